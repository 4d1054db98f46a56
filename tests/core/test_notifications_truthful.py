"""The badge stays truthful (issue 21, item 9): a reminder whose deadline changed is superseded,
a newer reminder on the same share supersedes the unread one before it, old unread messages
expire from the badge, and "mark all read" empties it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assignments.reminders import reminders_manual, reminders_send
from assignments.services import assignment_change_deadline
from core.models import Notification
from core.notifications import notification_unread_count, notify

pytestmark = pytest.mark.django_db


def _badge(client):
    return client.get(reverse("core:notifications")).context["unread_count"]


def test_a_reminder_whose_deadline_changed_leaves_the_badge(client, world):
    reminders_send(today=timezone.localdate())
    share = world.shares.a_overdue
    before = notification_unread_count(world.liaison_a)
    assert Notification.objects.filter(recipient=world.liaison_a, link=share.get_absolute_url()).exists()
    new_deadline = timezone.localdate() + datetime.timedelta(days=20)
    assignment_change_deadline(assignments=[share], deadline=new_deadline, by=world.office_admin)
    old = Notification.objects.filter(recipient=world.liaison_a, link=share.get_absolute_url())
    assert all(n.superseded_at for n in old)
    assert notification_unread_count(world.liaison_a) == before - old.count()
    client.force_login(world.liaison_a)
    page = client.get(reverse("core:notifications")).content.decode()
    assert "已失效" in page and "text-decoration-line-through" in page
    assert _badge(client) == notification_unread_count(world.liaison_a)


def test_a_newer_reminder_on_the_same_share_supersedes_the_unread_one(world):
    share = world.shares.a_soon
    reminders_manual(assignments=[share], by=world.office_admin)
    reminders_manual(assignments=[share], by=world.office_admin)
    mine = Notification.objects.filter(recipient=world.liaison_a, link=share.get_absolute_url())
    assert mine.count() == 2
    assert [n.superseded_at is None for n in mine.order_by("id")] == [False, True]
    assert notification_unread_count(world.liaison_a) == 1


def test_a_message_on_another_topic_is_not_superseded(world):
    notify([world.liaison_a], title="退回", body="", link="/x", topic="")
    reminders_manual(assignments=[world.shares.a_soon], by=world.office_admin)
    assert notification_unread_count(world.liaison_a) == 2


def test_old_unread_messages_expire_from_the_badge_but_stay_listed(client, world, settings):
    settings.NOTIFICATION_UNREAD_DAYS = 30
    notify([world.liaison_a], title="旧消息", link="/")
    notify([world.liaison_a], title="新消息", link="/")
    Notification.objects.filter(title="旧消息").update(created_at=timezone.now() - datetime.timedelta(days=31))
    client.force_login(world.liaison_a)
    response = client.get(reverse("core:notifications"))
    assert response.context["unread_count"] == 1
    body = response.content.decode()
    assert "旧消息" in body and "已过期" in body


def test_mark_all_read_empties_the_badge(client, world):
    for i in range(3):
        notify([world.liaison_a], title=f"消息{i}", link="/")
    client.force_login(world.liaison_a)
    page = client.get(reverse("core:notifications")).content.decode()
    assert "全部标为已读" in page
    response = client.post(reverse("core:notifications_read"), {})
    assert response.status_code == 302
    assert _badge(client) == 0
    assert not Notification.objects.filter(recipient=world.liaison_a, read_at__isnull=True).exists()


def test_the_badge_on_every_page_equals_the_live_messages(client, world):
    reminders_send(today=timezone.localdate())
    client.force_login(world.liaison_a)
    home = client.get("/")
    assert home.context["unread_count"] == notification_unread_count(world.liaison_a) > 0
