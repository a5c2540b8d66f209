from pathlib import Path

from django.conf import settings

from attend.accounts.permissions import permission_table_markdown


def test_docs_security_shows_the_permission_table_the_code_enforces():
    doc = (Path(settings.BASE_DIR) / "docs" / "security.md").read_text(encoding="utf-8")
    assert permission_table_markdown() in doc, "Paste permission_table_markdown() into docs/security.md"
