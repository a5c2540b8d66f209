"""Common Transfer File (CTF) XML: pupils, contacts, enrolments and per-session attendance, in and out.

- ctf_read.py: `import_ctf`, reading CTF 25 (`Sex`) and earlier versions (`Gender`) as MIS suppliers write them.
- ctf_contacts.py: contacts and the CTF's two address shapes; ctf_marks.py: the attendance mark strings.
- ctf_write.py: `export_ctf`, writing CTF 25.
- ctf_shape.py: the elements Attend reads, those it knowingly does not keep, and the listing of everything else.

docs/import-formats.md ("CTF") describes the mapping, the versions and the gaps.
"""

from __future__ import annotations

from .ctf_read import import_ctf
from .ctf_shape import CTF_VERSION
from .ctf_write import export_ctf

__all__ = ["CTF_VERSION", "export_ctf", "import_ctf"]
