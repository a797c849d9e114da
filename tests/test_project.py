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
TEST_ONLY_MODULES = ("time_machine", "pytest", "factory", "playwright", "aiosmtpd")


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


# -- templates and URL names ------------------------------------------------------------------
#
# Imports point one way, and so do templates and URL names: a template that belongs to a lower
# app never includes or extends a higher app's template, never loads its template tags and never
# reverses its URL names; a lower app's Python never names a higher app's URL or template.
# The shared templates (templates/includes/, base.html and the error pages) sit with the bottom
# layer: base.html uses agencies' page-frame tags and nothing above them.
# Un-namespaced names (home, login, logout, favicon) are the site's frame in config/urls.py and
# `admin:` is Django's own: every layer may link to those.

TEMPLATES = ROOT / "templates"
SHARED = "shared"
APPS = ("agencies", "notifications", "ehcp", "panel", "workflows")
FORBIDDEN_LINKS = {
    **{app: FORBIDDEN_IMPORTS.get(app, set()) for app in APPS},
    SHARED: set(APPS) - {"agencies"},
    "config": set(),
}
# Which app a templates/ folder belongs to, where its name is not an app's.
TEMPLATE_FOLDERS = {
    "includes": SHARED,
    "registration": "agencies",  # agencies/signin.py
}
# Lowest first: a template used by two apps belongs to the lower one (the stricter rules).
_RANK = {name: rank for rank, name in enumerate((SHARED, *APPS, "config"))}

_TEMPLATE_REF = re.compile(r"{%\s*(include|extends)\s+(['\"])(?P<name>[^'\"]+)\2")
_URL_TAG = re.compile(r"{%\s*url\s+(['\"])(?P<name>[^'\"]+)\1")
_LOAD_TAG = re.compile(r"{%\s*load\s+(?P<libraries>[^%]+?)\s*%}")
_URL_NAME = re.compile(r"^(?P<namespace>[\w-]+)(:[\w-]+)+$")


def _app_of(path: Path) -> str | None:
    top = path.relative_to(ROOT).parts[0]
    return top if top in APPS or top == "config" else None


def _templates() -> list[str]:
    return sorted(
        str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*") if path.is_file()
    )


def _folder_owner(template: str) -> str | None:
    """The app a template's folder belongs to ("" for a top-level template, None if unplaced)."""
    parts = Path(template).parts
    if len(parts) == 1:
        return ""
    return TEMPLATE_FOLDERS.get(parts[0], parts[0] if parts[0] in APPS else None)


def _python_strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def _app_python_files():
    for top in (*APPS, "config"):
        for path in _python_files(ROOT / top):
            if "migrations" not in path.parts:
                yield path


def _url_namespaces() -> dict[str, str]:
    """Each top-level URL namespace and the app that owns it, read from config/urls.py and the
    urls modules it includes (their `app_name`, or include's `namespace=`)."""
    tree = ast.parse((ROOT / "config" / "urls.py").read_text(encoding="utf-8"))
    owners = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "include"):
            continue
        first = node.args[0] if node.args else None
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        module = first.value
        namespace = next((kw.value.value for kw in node.keywords if kw.arg == "namespace"), None)
        if namespace is None:
            source = ROOT.joinpath(*module.split(".")).with_suffix(".py")
            for statement in ast.parse(source.read_text(encoding="utf-8")).body:
                if (
                    isinstance(statement, ast.Assign)
                    and getattr(statement.targets[0], "id", None) == "app_name"
                ):
                    namespace = statement.value.value
        if namespace:
            owners[namespace] = module.split(".")[0]
    return owners


def _tag_libraries() -> dict[str, str]:
    """Each of our template tag libraries and the app that defines it."""
    return {
        path.stem: app
        for app in APPS
        for path in (ROOT / app / "templatetags").glob("*.py")
        if path.stem != "__init__"
    }


def _template_owners() -> dict[str, str]:
    """Each template and the app it belongs to: its folder's app, or a lower app whose Python
    names it (a template rendered by a lower app's view obeys that app's rules). A top-level
    template belongs to the lowest app that renders it (home.html: workflows), or else is shared
    (base.html)."""
    names = set(_templates())
    owners = {name: _folder_owner(name) for name in names}
    for path in _app_python_files():
        app = _app_of(path)
        for _, value in _python_strings(path):
            if value in names and (not owners[value] or _RANK[app] < _RANK[owners[value]]):
                owners[value] = app
    return {name: SHARED if owner == "" else owner for name, owner in owners.items()}


def test_every_template_folder_belongs_to_an_app():
    """A new templates/ folder must be placed in a layer (TEMPLATE_FOLDERS) before it is used."""
    unplaced = sorted(name for name, owner in _template_owners().items() if owner is None)
    assert not unplaced, "Templates in no layer (add their folder to TEMPLATE_FOLDERS):\n" + (
        "\n".join(unplaced)
    )


def test_url_namespaces_are_mapped_to_apps():
    namespaces = _url_namespaces()
    assert namespaces["workflows"] == "workflows"
    assert namespaces["ehcp"] == "ehcp"
    assert namespaces["governance"] == "ehcp"
    assert set(namespaces.values()) <= set(APPS)


def _template_offences(template: str, owner: str, owners, namespaces, libraries) -> list[str]:
    forbidden = FORBIDDEN_LINKS[owner]
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    offences = []
    for match in _TEMPLATE_REF.finditer(text):
        other = owners.get(match["name"])
        if other in forbidden:
            offences.append(f"{match[1]}s {match['name']} ({other})")
    for match in _URL_TAG.finditer(text):
        other = namespaces.get(match["name"].split(":")[0]) if ":" in match["name"] else None
        if other in forbidden:
            offences.append(f"reverses {match['name']} ({other})")
    for match in _LOAD_TAG.finditer(text):
        words = match["libraries"].split()
        loaded = words[words.index("from") + 1 :] if "from" in words else words
        for library in loaded:
            if libraries.get(library) in forbidden:
                offences.append(f"loads {library} ({libraries[library]})")
    return offences


@pytest.mark.parametrize("app", sorted(FORBIDDEN_LINKS))
def test_templates_use_only_layers_below_them(app):
    """A lower app's template never includes, extends, loads the tags of, or reverses the URL
    names of a higher app (e.g. no `{% url 'workflows:...' %}` in templates/ehcp/)."""
    owners, namespaces, libraries = _template_owners(), _url_namespaces(), _tag_libraries()
    offences = {
        template: what
        for template, owner in owners.items()
        if owner == app and template.endswith((".html", ".txt"))
        for what in [_template_offences(template, owner, owners, namespaces, libraries)]
        if what
    }
    assert not offences, f"templates of {app} use {sorted(FORBIDDEN_LINKS[app])}:\n" + "\n".join(
        f"templates/{template}: {'; '.join(what)}" for template, what in offences.items()
    )


def _python_link_offences(path: Path, forbidden: set[str], namespaces, folders) -> list[str]:
    offences = []
    for lineno, value in _python_strings(path):
        if (match := _URL_NAME.match(value)) and namespaces.get(match["namespace"]) in forbidden:
            offences.append(f"{path.relative_to(ROOT)}:{lineno} names URL {value}")
        elif folders.get(value) in forbidden:  # a higher app's template, by its folder
            offences.append(f"{path.relative_to(ROOT)}:{lineno} names template {value}")
    return offences


@pytest.mark.parametrize("app", sorted(FORBIDDEN_IMPORTS))
def test_app_python_names_only_urls_and_templates_of_layers_below_it(app):
    """No `reverse("workflows:...")`, `reverse_lazy`, `redirect` or a list of URL names (strings
    like "workflows:inbox" anywhere) in a lower app, and no higher app's template."""
    namespaces = _url_namespaces()
    folders = {name: _folder_owner(name) for name in _templates()}
    offences = [
        offence
        for path in _python_files(ROOT / app)
        if "migrations" not in path.parts
        for offence in _python_link_offences(path, FORBIDDEN_LINKS[app], namespaces, folders)
    ]
    assert not offences, f"{app}/ names URLs or templates of {sorted(FORBIDDEN_LINKS[app])}:\n" + (
        "\n".join(offences)
    )


def _context_processors() -> list[str]:
    settings = (ROOT / "config" / "settings" / "base.py").read_text(encoding="utf-8")
    return [
        value
        for _, value in _python_strings_of(settings)
        if ".context_processors." in value and value.split(".")[0] in (*APPS, "config")
    ]


def _python_strings_of(source: str) -> list[tuple[int, str]]:
    return [
        (node.lineno, node.value)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_settings_name_our_context_processors():
    assert _context_processors()


@pytest.mark.parametrize("processor", _context_processors())
def test_context_processors_reverse_no_url_of_a_layer_above_them(processor):
    """A context processor runs on every page of every app: the bottom layer's one (agencies)
    must not know the URLs of the apps above it. The site's navigation lives in config/."""
    module = processor.rsplit(".", 1)[0]
    app = module.split(".")[0]
    path = ROOT.joinpath(*module.split(".")).with_suffix(".py")
    namespaces = _url_namespaces()
    folders = {name: _folder_owner(name) for name in _templates()}
    offences = _python_link_offences(path, FORBIDDEN_LINKS[app], namespaces, folders)
    assert not offences, "\n".join(offences)


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
    common module (ehcp/common/), so nothing hides behind an underscore (issue 8)."""
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
    """No import of a project module inside a function in a room's services: an import hidden in
    a function hides a cycle. The service modules form a one-way graph (test_rooms_import_one_way
    and ehcp/assessments/services/__init__.py)."""
    offences = []
    service_files = [
        path
        for path in _python_files(ROOT / "ehcp")
        if path.name == "services.py" or "services" in path.relative_to(ROOT).parts[:-1]
    ]
    assert len(service_files) >= 6, service_files
    for path in service_files:
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


# -- the rooms of ehcp/ --------------------------------------------------------------------------
#
# ehcp/ is a package of rooms of one shape (docs/adr/0007-domain-rooms.md), lowest first:
# common (errors, history saving, dates, display, form and view helpers: not a Django app),
# governance (who may see what, the read audit, disclosures, break-glass, incidents), children
# (the child, consent, and the child's page over every episode), plans (the child's plan, its
# versions and documents) and assessments (the assessment episode). A room's modules form layers,
# lowest first: rules (pure) < models < read (selectors, access, audit, documents ...) <
# services < web (forms, views, urls, admin, template tags, commands). A module may import
# - a room at or below its own, at a layer at or below its own (views may use any lower room's
#   services; a selector never uses a service);
# - a room above its own only for its data: rules and models (a foreign key, a status). Behaviour
#   (selectors, services, views) of a higher room is out of reach, so an episode's services use
#   the plans', children's and governance's services, never the reverse; the child's page reads
#   the episodes' rows, not their selectors.
# Templates follow the rooms too (the tests at the end of this file). Links between pages are
# navigation, not dependencies: a plan page may link back to its assessment's page.

ROOMS = ("common", "governance", "children", "plans", "assessments", "reviews")
LAYERS = ("rules", "models", "read", "services", "web")
# The request id (middleware) is read by the audit, so it sits with the read layer.
_READ = {"selectors", "access", "audit", "display", "formats", "calendar", "links", "pagination"}
_READ |= {"documents", "middleware", "replica"}
# The review room's read side beside its selectors: the pipeline's stages and the DfE figures.
_READ |= {"pipeline", "figures"}
_SERVICES = {"services", "rendering", "tasks", "partitions"}
# The ehcp app itself (its template tags, app config) is part of common: the bottom room.
_ROOM_OF_TOP = "common"


def _room_and_layer(module: str) -> tuple[str, int] | None:
    """(room, layer) of an ehcp module name, e.g. ehcp.plans.selectors -> ("plans", 2)."""
    parts = module.split(".")
    if parts[0] != "ehcp" or len(parts) < 2 or parts[1] == "migrations":
        return None
    room = parts[1] if parts[1] in ROOMS else _ROOM_OF_TOP
    rest = parts[2:] if parts[1] in ROOMS else parts[1:]
    if not rest:
        return room, LAYERS.index("web")  # the package itself (its __init__)
    head = rest[0]
    if head == "rules":
        layer = "rules"
    # A signal is declared beside the models it is about; `prefetch` is how models read a list
    # a page has prefetched (ehcp/common/prefetch.py).
    elif head in ("models", "signals", "prefetch"):
        layer = "models"
    elif head in _READ:
        layer = "read"
    elif head in _SERVICES:
        layer = "services"
    else:
        layer = "web"
    return room, LAYERS.index(layer)


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_module(name: str) -> str:
    """`from ehcp.plans import selectors` names ehcp.plans.selectors; `from ehcp.plans.models
    import Plan` names ehcp.plans.models (a name that is not a module is dropped)."""
    path = ROOT.joinpath(*name.split("."))
    if path.with_suffix(".py").exists() or (path / "__init__.py").exists():
        return name
    return name.rsplit(".", 1)[0]


def test_every_room_is_a_package_of_one_shape():
    """Each room but common is a Django app with models, rules/, services and migrations, and
    its templates under templates/ehcp/<room>/; each room has its own tests folder."""
    for room in ROOMS:
        package = ROOT / "ehcp" / room
        assert (package / "__init__.py").exists(), room
        assert (ROOT / "tests" / "ehcp" / room).is_dir(), f"tests/ehcp/{room}/"
        if room != "common":
            assert (TEMPLATES / "ehcp" / room).is_dir(), f"templates/ehcp/{room}/"
            assert (package / "apps.py").exists() and (package / "models.py").exists(), room
            assert (package / "rules").is_dir(), room
            assert (package / "services.py").exists() or (package / "services").is_dir(), room
            assert (package / "migrations" / "__init__.py").exists(), room


def test_rooms_import_one_way():
    offences = []
    for path in _python_files(ROOT / "ehcp"):
        if "migrations" in path.parts:
            continue
        me = _room_and_layer(_module_of(path))
        if me is None:
            continue
        room, layer = me
        for lineno, name in _imported_modules(path):
            module = _imported_module(name) if name.startswith("ehcp.") else None
            package = module and (ROOT.joinpath(*module.split(".")) / "__init__.py").exists()
            other = None if package or not module else _room_and_layer(module)
            if other is None:  # not ehcp, or a package (`from ehcp.plans import selectors`)
                continue
            other_room, other_layer = other
            if ROOMS.index(other_room) <= ROOMS.index(room):
                allowed = other_layer <= layer
            else:
                allowed = other_layer <= LAYERS.index("models")
            if not allowed:
                offences.append(
                    f"{path.relative_to(ROOT)}:{lineno} ({room} {LAYERS[layer]}) imports {name}"
                    f" ({other_room} {LAYERS[other_layer]})"
                )
    assert not offences, "Rooms import down, and up only for rules and models:\n" + "\n".join(
        sorted(set(offences))
    )


def _room_of_template(template: str) -> str | None:
    parts = Path(template).parts
    return parts[1] if len(parts) > 2 and parts[0] == "ehcp" and parts[1] in ROOMS else None


def test_room_templates_include_only_rooms_at_or_below_them():
    """templates/ehcp/<room>/ include and extend their own room's templates or a lower room's
    (a shared partial such as the consents table lives in templates/ehcp/common/)."""
    offences = []
    for template in _templates():
        room = _room_of_template(template)
        if room is None or not template.endswith(".html"):
            continue
        text = (TEMPLATES / template).read_text(encoding="utf-8")
        for match in _TEMPLATE_REF.finditer(text):
            other = _room_of_template(match["name"])
            if other and ROOMS.index(other) > ROOMS.index(room):
                offences.append(f"templates/{template} {match[1]}s {match['name']}")
    assert not offences, "\n".join(offences)


def test_room_python_renders_only_templates_of_rooms_at_or_below_it():
    """A room's views and documents render their own room's templates or a lower room's."""
    offences = []
    templates = set(_templates())
    for path in _python_files(ROOT / "ehcp"):
        me = _room_and_layer(_module_of(path))
        if me is None or "migrations" in path.parts:
            continue
        for lineno, value in _python_strings(path):
            other = _room_of_template(value) if value in templates else None
            if other and ROOMS.index(other) > ROOMS.index(me[0]):
                offences.append(f"{path.relative_to(ROOT)}:{lineno} ({me[0]}) names {value}")
    assert not offences, "\n".join(offences)
