"""The migrations' heads and revisions read from the revision files' text (how an up-to-date project
opens without importing Alembic) agree with Alembic's own reading; a file of another form (a merge, a
branch label) is left to Alembic."""

import shutil

from alembic.config import Config
from alembic.script import ScriptDirectory

from annotator.store import database


def alembic_reading(location):
    cfg = Config()
    cfg.set_main_option("script_location", str(location))
    script = ScriptDirectory.from_config(cfg)
    return tuple(script.get_heads()), frozenset(r.revision for r in script.walk_revisions())


def test_plain_reading_equals_alembics():
    location = database.migrations_dir()
    plain = database._read_revisions(str(location))
    assert plain is not None
    assert plain == alembic_reading(location)
    assert database.head_revision() == plain[0][0]
    assert database.known_revisions() == set(plain[1])


def test_an_extra_revision_on_top_is_the_new_head(tmp_path):
    dst = tmp_path / "migrations"
    shutil.copytree(database.migrations_dir(), dst)
    head = database.head_revision()
    (dst / "versions" / "9999_extra.py").write_text(
        f'revision = "9999"\ndown_revision = "{head}"  # on top\nbranch_labels = None\ndepends_on = None\n\n'
        "def upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n"
    )
    assert database._read_revisions(str(dst)) == alembic_reading(dst) == (("9999",), alembic_reading(dst)[1])


def test_other_forms_are_left_to_alembic(tmp_path):
    dst = tmp_path / "migrations"
    shutil.copytree(database.migrations_dir(), dst)
    head = database.head_revision()
    merge = dst / "versions" / "9998_merge.py"
    merge.write_text(
        f'revision = "9998"\ndown_revision = ("{head}", "0007")\nbranch_labels = None\ndepends_on = None\n\n'
        "def upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n"
    )
    assert database._read_revisions(str(dst)) is None
    database._revisions.cache_clear()
    try:
        assert database._revisions(str(dst)) == alembic_reading(dst)  # Alembic reads it instead
    finally:
        database._revisions.cache_clear()
    merge.write_text(
        f'revision = "9998"\ndown_revision = "{head}"\nbranch_labels = ("extra",)\ndepends_on = None\n'
    )
    assert database._read_revisions(str(dst)) is None
