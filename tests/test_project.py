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

# Arrows point one way: workflows -> panel -> ehcp -> agencies; everyone may use notifications.
# A domain app never imports workflows, so every rule works without a running flow.
FORBIDDEN_IMPORTS = {
    "agencies": {"ehcp", "panel", "workflows"},
    "ehcp": {"panel", "workflows"},
    "panel": {"workflows"},
    "notifications": {"workflows"},
}


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
    """workflows -> panel -> ehcp -> agencies; everyone may use notifications (never workflows)."""
    forbidden = FORBIDDEN_IMPORTS[app]
    offences = {}  # one line per offending import statement
    for path in _python_files(ROOT / app):
        for lineno, module in _imported_modules(path):
            if any(_is_within(module, other) for other in forbidden):
                offences.setdefault(f"{path.relative_to(ROOT)}:{lineno}", f"imports {module}")
    assert not offences, f"{app}/ must not import {', '.join(sorted(forbidden))}:\n" + "\n".join(
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


# -- rules of the house: services own changes, helpers are public, service imports go one way --

PROJECT_PACKAGES = frozenset({"agencies", "config", "ehcp", "notifications", "panel", "workflows"})


def _is_views_forms_or_flows(path: Path) -> bool:
    relative = path.relative_to(ROOT)
    name = relative.name
    return (
        name.endswith(("views.py", "forms.py"))
        or "views" in relative.parts[:-1]
        or "forms" in relative.parts[:-1]
        or (relative.parts[0] == "workflows" and relative.parts[1].startswith("flows"))
    )


def test_no_view_form_or_flow_queues_a_notification():
    """The service that makes a change queues the notifications it causes, in its transaction:
    views and forms parse and render, flow nodes call services (issue 8)."""
    offences = []
    for app in sorted(PROJECT_PACKAGES):
        for path in _python_files(ROOT / app):
            if not _is_views_forms_or_flows(path):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                called = node.func if isinstance(node, ast.Call) else None
                name = getattr(called, "id", None) or getattr(called, "attr", None) or ""
                if name.startswith("notification_queue"):
                    offences.append(f"{path.relative_to(ROOT)}:{node.lineno} calls {name}")
    assert not offences, "Queue notifications in the service instead:\n" + "\n".join(offences)


def _project_module(path: Path, node: ast.ImportFrom) -> str | None:
    """The project module an import names (resolving relative imports), or None if not ours."""
    if node.level:
        package = list(path.relative_to(ROOT).with_suffix("").parts[: -node.level])
        module = ".".join(package + ([node.module] if node.module else []))
    else:
        module = node.module or ""
    return module if module.split(".")[0] in PROJECT_PACKAGES | {"tests"} else None


def test_no_module_imports_another_modules_private_name():
    """A name starting with `_` is its module's own: shared helpers get a public name in a small
    common module (ehcp/services/common.py), so nothing hides behind an underscore (issue 8)."""
    offences = []
    for app in sorted(PROJECT_PACKAGES):
        for path in _python_files(ROOT / app):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.ImportFrom) or not _project_module(path, node):
                    continue
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        module = "." * node.level + (node.module or "")
                        offences.append(
                            f"{path.relative_to(ROOT)}:{node.lineno} imports {alias.name} from {module}"
                        )
    assert not offences, "Private names imported from another module:\n" + "\n".join(offences)


def test_service_modules_import_project_modules_only_at_the_top():
    """No import of a project module inside a function in ehcp/services/: an import hidden in a
    function hides a cycle. The service modules form a one-way graph (ehcp/services/__init__.py)."""
    offences = []
    for path in _python_files(ROOT / "ehcp" / "services"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom):
                    module = _project_module(path, inner)
                elif isinstance(inner, ast.Import):
                    names = [alias.name for alias in inner.names]
                    module = next((n for n in names if n.split(".")[0] in PROJECT_PACKAGES), None)
                else:
                    continue
                if module:
                    offences.append(f"{path.relative_to(ROOT)}:{inner.lineno} imports {module}")
    assert not offences, "Import project modules at the top of the file:\n" + "\n".join(
        sorted(set(offences))
    )
