"""Rules about the project as a whole: licence boundaries, layering and pinned dependencies.

No database, no Django: these read the source tree.
"""

import ast
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", "venv", ".git", "node_modules", "var", "build", "staticfiles", "__pycache__"}

# viewflow's django-fsm integration ships these modules under its commercial licence only; the
# rest of django-viewflow is AGPL. Built from parts so this file does not match its own scan.
COMMERCIAL_VIEWFLOW_MODULES = frozenset(
    f"viewflow.fsm.{name}" for name in ("admin", "chart", "views", "viewset")
)

# Arrows point one way: demo -> workflows -> panel -> ehcp -> agencies; everyone may use
# notifications. A domain app never imports workflows, so every rule works without a running
# flow; demo sits on top of everything and nothing imports it (it may be left out of a deployment).
FORBIDDEN_IMPORTS = {
    "agencies": {"ehcp", "panel", "workflows", "demo"},
    "ehcp": {"panel", "workflows", "demo"},
    "panel": {"workflows", "demo"},
    "notifications": {"workflows", "demo"},
    "workflows": {"demo"},
    "config": {"demo"},
}
# Test-only libraries (the `test` extra): the product never imports them.
TEST_ONLY_MODULES = ("time_machine", "pytest", "factory", "playwright")


def _python_files(top: Path):
    for path in sorted(top.rglob("*.py")):
        if not SKIP_DIRS.intersection(path.relative_to(ROOT).parts):
            yield path


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module an `import` or `from ... import` names, anywhere in the file (also inside
    functions), as (line, dotted name); `from a.b import c` yields both a.b and a.b.c."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_no_module_imports_viewflows_commercial_fsm_modules():
    """viewflow.fsm's admin, chart, views and viewset are commercial-only: never import them."""
    pattern = re.compile(r"\bviewflow\.fsm\.(admin|chart|views|viewset)\b")
    offences = {}
    for path in _python_files(ROOT):
        relative = path.relative_to(ROOT)
        for lineno, module in _imported_modules(path):
            if any(_is_within(module, bad) for bad in COMMERCIAL_VIEWFLOW_MODULES):
                offences.setdefault(f"{relative}:{lineno}", f"imports {module}")
        # Dotted paths in strings too: importlib, INSTALLED_APPS, urlconf includes.
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if match := pattern.search(line):
                offences.setdefault(f"{relative}:{lineno}", f"names {match.group(0)}")
    assert not offences, "Commercial-only viewflow modules referenced:\n" + "\n".join(
        f"{where} {what}" for where, what in offences.items()
    )


@pytest.mark.parametrize("app", sorted(FORBIDDEN_IMPORTS))
def test_app_imports_only_layers_below_it(app):
    """demo -> workflows -> panel -> ehcp -> agencies; everyone may use notifications (never
    workflows), and nothing imports demo."""
    forbidden = FORBIDDEN_IMPORTS[app]
    offences = {}  # one line per offending import statement
    for path in _python_files(ROOT / app):
        for lineno, module in _imported_modules(path):
            if any(_is_within(module, other) for other in forbidden):
                offences.setdefault(f"{path.relative_to(ROOT)}:{lineno}", f"imports {module}")
    assert not offences, f"{app}/ must not import {', '.join(sorted(forbidden))}:\n" + "\n".join(
        f"{where} {what}" for where, what in offences.items()
    )


def test_every_app_is_in_the_layering_table():
    """A new top-level package is placed in FORBIDDEN_IMPORTS (or is demo, on top of all)."""
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if not SKIP_DIRS.intersection(path.relative_to(ROOT).parts)
    }
    assert packages - {"tests", "demo"} <= set(FORBIDDEN_IMPORTS), sorted(packages)


def test_product_code_never_imports_a_test_only_library():
    """time-machine and the other test tools are installed only with the `test` extra; the
    product, the demo loader included, sets past dates explicitly instead of faking the clock."""
    offences = {}
    for path in _python_files(ROOT):
        relative = path.relative_to(ROOT)
        if relative.parts[0] == "tests" or relative.name == "conftest.py":
            continue
        for lineno, module in _imported_modules(path):
            if any(_is_within(module, name) for name in TEST_ONLY_MODULES):
                offences.setdefault(f"{relative}:{lineno}", f"imports {module}")
    assert not offences, "Test-only libraries imported by the product:\n" + "\n".join(
        f"{where} {what}" for where, what in offences.items()
    )


def _declared_requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    return requirements


def test_pyproject_declares_dependencies():
    assert _declared_requirements()


@pytest.mark.parametrize("spec", _declared_requirements())
def test_every_dependency_has_a_version_range(spec):
    """A lower and an upper bound on every runtime and test dependency: no bare names."""
    requirement = Requirement(spec)
    operators = {s.operator for s in requirement.specifier}
    assert operators & {">=", ">", "~=", "=="}, f"{spec}: give a lower bound"
    assert operators & {"<", "<=", "~=", "=="}, f"{spec}: give an upper bound"
