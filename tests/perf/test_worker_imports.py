"""A web worker loads only what serving pages needs: memory is per worker, and the benchmark
holds the portal's workers to django-helpdesk's (PSS). Libraries used by one rare action are
imported by that action."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# pypinyin: only when a member or a group is saved (about 12 MiB; 55 more with its phrase
# dictionary, which is never loaded); pypdf: only when a PDF is checked.
LOADED_ON_DEMAND = ["pypinyin", "pypdf"]


def test_the_wsgi_application_does_not_load_the_on_demand_libraries():
    code = (
        "import json, sys; import config.wsgi; from django.urls import resolve; "
        "import config.urls; resolve('/'); "
        f"print(json.dumps([m for m in {LOADED_ON_DEMAND!r} if m in sys.modules]))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )

    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_a_member_saved_gets_its_pinyin_key_from_the_library_loaded_then(db):
    from tests.members.factories import MemberFactory

    member = MemberFactory(name="赵六")

    assert member.name_pinyin == "zhao4liu4"
    assert "pypinyin" in sys.modules
