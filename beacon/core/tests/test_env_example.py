""".env.example lists every environment variable the settings read, and nothing they do not."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _is_env(node: ast.expr) -> bool:
    """`env` itself or `env.int`, `env.bool`, … (django-environ)."""
    return (isinstance(node, ast.Name) and node.id == "env") or (
        isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "env"
    )


def _is_os_environ(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def variables_read_by_the_settings() -> set[str]:
    names = set()
    for path in (ROOT / "config" / "settings").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                func = node.func
                os_read = (
                    isinstance(func, ast.Attribute)
                    and func.attr in ("get", "setdefault")
                    and _is_os_environ(func.value)
                )
                if _is_env(func) or os_read:
                    names.add(node.args[0].value)
            elif isinstance(node, ast.Subscript) and _is_os_environ(node.value):
                if isinstance(node.slice, ast.Constant):
                    names.add(node.slice.value)
    return names


def variables_listed() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))


def test_the_settings_reading_is_found():
    read = variables_read_by_the_settings()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "BEACON_REPORT_SUBMIT_PER_CLIENT", "EMAIL_URL"} <= read


def test_env_example_lists_every_variable_the_settings_read():
    missing = variables_read_by_the_settings() - variables_listed()
    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_env_example_lists_no_variable_the_settings_ignore():
    unknown = variables_listed() - variables_read_by_the_settings()
    assert not unknown, f"no setting reads these (remove from .env.example): {sorted(unknown)}"
