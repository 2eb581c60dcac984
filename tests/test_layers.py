"""Dependencies point down only: each app imports only from the apps below it.

From the bottom: core (helpers and registries, no models) < audit < accounts < parties
< … domain apps … < api (the REST layer) < web (the page shell) and devdata (demo and
benchmark data). Higher apps plug into lower ones through the registries of
clientela.core.registries and accounts.access.register_visibility, never the reverse.
Tests may import anything.
"""

import ast
from pathlib import Path

import clientela

PACKAGE = Path(clientela.__file__).parent
LAYERS = {
    "core": 0,
    "audit": 1,
    "accounts": 2,
    "parties": 3,
    "activities": 4,
    "api": 80,
    "web": 90,
    "devdata": 90,
}
# Modules of the package itself, above every app.
TOP = {"cli", "worker", "settings", "settings_test", "urls", "wsgi", "formats"}


def app_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "clientela" or len(parts) < 2:
        return None
    return parts[1]


def imports_of(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: -node.level]
                found.add(".".join(base + ([node.module] if node.module else [])))
            elif node.module:
                found.add(node.module)
    return {name for name in found if name.startswith("clientela.")}


def source_modules():
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = relative.parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path, ".".join(parts).removesuffix(".__init__")


def test_every_app_has_a_layer():
    apps = {p.name for p in PACKAGE.iterdir() if (p / "apps.py").exists()}
    assert apps == set(LAYERS)


def test_no_module_imports_from_an_app_above_its_own():
    wrong = []
    for path, module in source_modules():
        own = app_of(module)
        if own in TOP or own is None:
            continue
        for imported in imports_of(path, module):
            other = app_of(imported)
            if other in TOP:
                wrong.append(f"{module} imports {imported} (a top-level module)")
            elif other in LAYERS and other != own and LAYERS[other] >= LAYERS[own]:
                wrong.append(f"{module} imports {imported}")
    assert wrong == []


def test_no_template_of_a_lower_app_links_to_a_higher_apps_pages():
    wrong = []
    for template in PACKAGE.glob("*/templates/**/*.html"):
        own = template.relative_to(PACKAGE).parts[0]
        text = template.read_text()
        for app, layer in LAYERS.items():
            if app != own and layer > LAYERS[own] and f"{{% url '{app}:" in text:
                wrong.append(f"{template.relative_to(PACKAGE)} links to {app}")
    assert wrong == []
