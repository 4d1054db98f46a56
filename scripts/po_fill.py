"""Fill a .po catalogue from a Python dict of translations (a maintenance helper).

    python scripts/po_fill.py locale/zh_Hans/LC_MESSAGES/django.po translations.py

The dict file defines T (msgid -> msgstr) and PLURALS (msgid -> msgstr, used for
every plural form: Chinese has one). Entries already translated are kept unless
the dict names them. Prints the msgids still untranslated.
"""

import runpy
import sys

import polib

po_path, dict_path = sys.argv[1], sys.argv[2]
data = runpy.run_path(dict_path)
T, PLURALS = data.get("T", {}), data.get("PLURALS", {})
po = polib.pofile(po_path, wrapwidth=0)
for entry in po:
    if "fuzzy" in entry.flags and entry.msgid not in T and entry.msgid not in PLURALS:
        # msgmerge's guess from a similar string is usually wrong: start afresh.
        entry.msgstr = ""
        entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
        entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = None
    if entry.msgid_plural:
        if entry.msgid in PLURALS:
            entry.msgstr_plural = {0: PLURALS[entry.msgid]}
    elif entry.msgid in T:
        entry.msgstr = T[entry.msgid]
    if "fuzzy" in entry.flags and (entry.msgstr or entry.msgstr_plural):
        entry.flags.remove("fuzzy")
po.metadata["Language"] = "zh_Hans"
po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
po.save(po_path)
missing = [e.msgid for e in po if not (e.msgstr or any(e.msgstr_plural.values())) and not e.obsolete]
for m in missing:
    print("UNTRANSLATED:", m)
