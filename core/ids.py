"""Ids in URLs and forms are UUIDs; a malformed one is as unknown as a missing one."""

import uuid


def is_uuid(value):
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
