"""Look for strings anywhere Beacon keeps data: every text and binary column of every table, and files."""

from pathlib import Path

from django.db import connection


def database_hits(needles: list[str]) -> list[str]:
    """`table.column` for every column (of any type) whose stored value contains one of the needles."""
    wanted = [n.encode() for n in needles] + [n.lower().encode() for n in needles]
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - table names come from introspection
            columns = [col[0] for col in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    if isinstance(value, (bytes, bytearray, memoryview)):
                        data = bytes(value)
                    else:
                        data = str(value).encode()
                    if any(n in data or n in data.lower() for n in wanted):
                        hits.append(f"{table}.{column}")
    return sorted(set(hits))


def file_hits(root: Path, needles: list[str]) -> list[str]:
    wanted = [n.encode() for n in needles]
    hits = []
    if root.exists():
        for path in root.rglob("*"):
            if path.is_file() and any(n in path.read_bytes() for n in wanted):
                hits.append(str(path))
    return hits
