import pytest

# The evidence package's new msgids (manifest headers, index page) with their translations,
# lent to the Chinese catalogue only while it lacks them: once the catalogue is regenerated
# these tests read the real translations (and fail if they differ from the ones here).
PACKAGE_MSGIDS = {
    "Path": "路径",
    "Indicator title": "指标名称",
    "Also used for": "亦用于",
    "Size (bytes)": "大小（字节）",
    "Size": "大小",
    "Evidence index": "佐证材料目录",
}


@pytest.fixture(autouse=True)
def package_msgids():
    from django.utils.translation import trans_real

    catalog = trans_real.translation("zh-hans")._catalog
    lent = [msgid for msgid in PACKAGE_MSGIDS if msgid not in catalog]
    for msgid in lent:
        catalog[msgid] = PACKAGE_MSGIDS[msgid]
    yield
    for msgid in lent:
        catalog._catalogs[0].pop(msgid, None)
