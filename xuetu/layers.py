"""The layers of Xuetu in one table, and the reader that holds the code to it.

An app imports only from the apps below it (STYLE.md, "Layers"); apps on one row are
siblings and import neither each other. When a lower app needs a fact a higher app owns, the
higher app registers a provider with `core` at start-up (docs/architecture.md).

`xuetu/core/tests/test_layers.py` fails on any import, template reference or URL name that
goes up or sideways, and `manage.py import_table` prints who imports whom. This module reads
source files only (ast, no Django) and imports nothing of the project, which is why every
layer may read it.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "xuetu"
ROOT = Path(__file__).resolve().parent

# Highest first; apps on one row are siblings. The four apps still to come are named so that
# they are born in their place.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("project",),
    ("dashboard",),
    ("subsidies",),
    ("certification", "training"),
    ("programmes",),
    ("registry",),
    ("accounts",),
    ("core",),
)
PROJECT = "project"
APPS = frozenset(app for row in LAYERS for app in row) - {PROJECT}

# Project wiring may import anything: the package's own modules, its app `xuetu.project`
# (home page, navigation, seed_demo, import_table) and the tests of the whole site.
PROJECT_MODULES = frozenset({"settings", "config", "urls", "celery", "wsgi", "project", "tests"})
# Test helpers: they may import any app, and only tests may import them.
TESTING = "testing"
# Modules that import nothing of the project, so that every layer may read them.
LEAVES = frozenset({f"{PACKAGE}.layers"})
UNPLACED = "?"

# Template folders under xuetu/templates that are not named after their app.
TEMPLATE_FOLDERS = {"public": "core", "pdf": "core"}

# Relations that may point up: core's records (audit events, jobs, notices) name who acted and
# for which organisation, as every Django app names AUTH_USER_MODEL. Nothing else goes up.
TENANT_MODELS = frozenset({"accounts.user", "accounts.organisation"})

RANK = {app: len(LAYERS) - depth for depth, row in enumerate(LAYERS) for app in row}


@dataclass(frozen=True)
class Import:
    """One import statement (or `import_module("xuetu.…")` call) naming one module."""

    source: str  # the importing module, dotted
    target: str  # the imported module, dotted
    line: int
    path: str  # the importing file, relative to the repository


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


# ---- where a module sits ---------------------------------------------------------------------
def unit_of(module: str) -> str | None:
    """The app, `project` or `testing` a dotted module belongs to (UNPLACED when the table
    does not say); None for a leaf or a module outside the project."""
    parts = module.split(".")
    if parts[0] != PACKAGE or module in LEAVES:
        return None
    if len(parts) == 1 or parts[1] in PROJECT_MODULES:
        return PROJECT
    if parts[1] == TESTING or parts[1] in APPS:
        return parts[1]
    return UNPLACED


def is_test_module(module: str) -> bool:
    parts = module.split(".")
    return "tests" in parts or parts[-1] == "conftest"


def is_rules_module(module: str) -> bool:
    return "rules" in module.split(".")[2:]


def describe(unit: str) -> str:
    return "project wiring" if unit == PROJECT else unit


# ---- reading the source ----------------------------------------------------------------------
def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def python_files(root: Path = ROOT) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" not in path.parts:
            yield path


def imports_in(source: str, module: str, path: str, known: Iterable[str] = ()) -> list[Import]:
    """Every import of a project module in one module's source: at the top, inside functions
    and in `TYPE_CHECKING` blocks alike, relative ones resolved; one per statement and
    module."""
    known = frozenset(known)
    package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
    found: dict[tuple[int, str], Import] = {}
    for node in ast.walk(ast.parse(source, filename=path)):
        if not isinstance(node, ast.stmt | ast.expr):
            continue  # no line of its own, and no import (imports and calls are these)
        for target in _targets(node, package, known):
            if target.split(".")[0] == PACKAGE:
                found.setdefault((node.lineno, target), Import(module, target, node.lineno, path))
    return sorted(found.values(), key=lambda item: (item.line, item.target))


def _targets(node: ast.AST, package: str, known: frozenset[str]) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = _absolute(node.module, node.level, package)
        # `from xuetu.programmes import services` imports the module xuetu.programmes.services
        return [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
            for alias in node.names
        ]
    if isinstance(node, ast.Call) and _called_name(node.func) in _IMPORT_CALLS and node.args:
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return [first.value.rpartition(".")[0] if first.value not in known else first.value]
    return []


# Calls that import a module named by a string; Django settings name modules too, but settings
# are project wiring, which may import anything.
_IMPORT_CALLS = frozenset({"import_module", "import_string", "__import__"})


def _called_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _absolute(module: str | None, level: int, package: str) -> str:
    if level == 0:
        return module or ""
    base = package.split(".")[: len(package.split(".")) - (level - 1)]
    return ".".join([*base, module] if module else base)


def read_imports(root: Path = ROOT) -> list[Import]:
    files = list(python_files(root))
    known = frozenset(module_name(path, root) for path in files)
    found: list[Import] = []
    for path in files:
        relative = str(path.relative_to(root.parent))
        found += imports_in(
            path.read_text(encoding="utf-8"), module_name(path, root), relative, known
        )
    return found


# ---- the rules -------------------------------------------------------------------------------
def reference_violation(source: str, target: str | None, *, test: bool = False) -> str | None:
    """Why code in `source` may not use `target` (by import, template or URL name), or None."""
    if target is None:
        return None
    if UNPLACED in (source, target):
        return "the module is not in the layer table (xuetu/layers.py)"
    if target == TESTING:
        return None if test else "only tests import the test helpers (xuetu.testing)"
    if source in (PROJECT, TESTING) or source == target:
        return None
    if RANK[target] > RANK[source]:
        return f"{source} is below {describe(target)} (upward)"
    if RANK[target] == RANK[source]:
        return f"{source} and {target} are siblings (sideways)"
    return None


# A rules module is pure: plain values in, problems out (STYLE.md, convention 2).
_IMPURE = re.compile(r"(^django\.db(\.|$))|(\.(models|services|selectors)(\.|$))")


def rules_violation(target: str) -> str | None:
    if _IMPURE.search(target):
        return "rules are pure functions (no models, django.db, services or selectors)"
    return None


def import_violation(item: Import) -> Violation | None:
    """Why one import breaks the layers (or a rules module's purity), or None."""
    source, target = unit_of(item.source), unit_of(item.target)
    if source is None:
        message = None if target is None else "a leaf imports nothing of the project"
    else:
        message = reference_violation(source, target, test=is_test_module(item.source))
    if message is None and source is not None and is_rules_module(item.source):
        message = rules_violation(item.target)
    if message is None:
        return None
    return Violation(item.path, item.line, f"{item.source} imports {item.target}: {message}")


def outside_imports(source: str, module: str, path: str) -> list[Import]:
    """The imports of modules outside the project (Django's among them), for rules modules."""
    found = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [Import(module, n, node.lineno, path) for n in names if n.split(".")[0] != PACKAGE]
    return found


def import_violations(root: Path = ROOT) -> list[Violation]:
    found = [v for item in read_imports(root) if (v := import_violation(item))]
    for path in python_files(root):
        module = module_name(path, root)
        if is_rules_module(module) and unit_of(module) is not None:
            relative = str(path.relative_to(root.parent))
            for item in outside_imports(path.read_text(encoding="utf-8"), module, relative):
                if message := rules_violation(item.target):
                    text = f"{module} imports {item.target}: {message}"
                    found.append(Violation(relative, item.line, text))
    return found


def unplaced_modules(root: Path = ROOT) -> list[str]:
    return [m for p in python_files(root) if unit_of(m := module_name(p, root)) == UNPLACED]


# ---- URL names and templates -----------------------------------------------------------------
_APP_NAME = re.compile(r"^app_name\s*=\s*['\"]([\w-]+)['\"]", re.M)
_URL_NAME = re.compile(r"^([\w-]+):[\w-]+$")
_TEMPLATE_URL = re.compile(r"{%\s*url\s+['\"](([\w-]+):[\w-]+)['\"]")
_TEMPLATE_REF = re.compile(r"{%\s*(?:include|extends)\s+['\"](([\w-]+)/[^'\"]+)['\"]")


def url_namespaces(root: Path = ROOT) -> dict[str, str]:
    """Each URL namespace (`app_name`) and the unit whose urls module declares it."""
    found = {}
    for path in python_files(root):
        if path.name.endswith("urls.py"):
            match = _APP_NAME.search(path.read_text(encoding="utf-8"))
            unit = unit_of(module_name(path, root))
            if match and unit:
                found[match.group(1)] = unit
    return found


def url_names_in(source: str) -> Iterator[tuple[int, str, str]]:
    """(line, URL name, namespace) of every string in a module that reads like a URL name."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Constant):
            continue
        text = node.value
        if isinstance(text, str) and (match := _URL_NAME.match(text)):
            yield node.lineno, text, match.group(1)


def url_name_violations(root: Path = ROOT) -> list[Violation]:
    """A module that reverses another app's URL name depends on that app as an import does."""
    namespaces = url_namespaces(root)
    found = []
    for path in python_files(root):
        module = module_name(path, root)
        source = unit_of(module)
        if source is None or is_test_module(module):
            continue
        for line, name, namespace in url_names_in(path.read_text(encoding="utf-8")):
            if message := reference_violation(source, namespaces.get(namespace)):
                text = f"{module} names the URL {name!r}: {message}"
                found.append(Violation(str(path.relative_to(root.parent)), line, text))
    return found


def template_unit(path: Path, root: Path = ROOT) -> str:
    """An app's own templates folder, or the folder of xuetu/templates named after the app;
    templates at the top (base.html, home.html) are project wiring."""
    parts = path.relative_to(root).parts
    if parts[0] in APPS:
        return parts[0]
    folder = parts[1] if len(parts) > 2 else ""
    return _folder_unit(folder) or PROJECT


def _folder_unit(folder: str) -> str | None:
    return TEMPLATE_FOLDERS.get(folder, folder if folder in APPS else None)


def template_references(text: str, namespaces: dict[str, str]) -> Iterator[tuple[int, str, str]]:
    """(line, what, owning unit) of each URL name and included or extended template."""
    for number, line in enumerate(text.splitlines(), 1):
        for name, namespace in _TEMPLATE_URL.findall(line):
            if namespace in namespaces:
                yield number, f"the URL {name!r}", namespaces[namespace]
        for name, folder in _TEMPLATE_REF.findall(line):
            if owner := _folder_unit(folder):
                yield number, f"the template {name!r}", owner


def template_violations(root: Path = ROOT) -> list[Violation]:
    namespaces = url_namespaces(root)
    found = []
    for path in sorted(root.glob("**/templates/**/*.html")):
        unit, relative = template_unit(path, root), str(path.relative_to(root.parent))
        for line, what, owner in template_references(path.read_text(encoding="utf-8"), namespaces):
            if message := reference_violation(unit, owner):
                text = f"a {describe(unit)} template names {what}: {message}"
                found.append(Violation(relative, line, text))
    return found


def all_violations(root: Path = ROOT) -> list[Violation]:
    return [*import_violations(root), *url_name_violations(root), *template_violations(root)]


# ---- the table of imports --------------------------------------------------------------------
def import_counts(imports: Iterable[Import], *, tests: bool) -> Counter[tuple[str, str]]:
    """Import statements from unit to unit, an app's imports of itself left out."""
    counts: Counter[tuple[str, str]] = Counter()
    seen: set[tuple[str, int, str]] = set()
    for item in imports:
        source, target = unit_of(item.source), unit_of(item.target)
        if source is None or target is None or source == target:
            continue
        if is_test_module(item.source) != tests:
            continue
        if (item.path, item.line, target) not in seen:  # one statement, two modules of one app
            seen.add((item.path, item.line, target))
            counts[source, target] += 1
    return counts


def render_table(counts: Counter[tuple[str, str]], title: str, *, tests: bool) -> str:
    """Rows import columns; `!` marks imports that go up or sideways."""
    order = [app for row in LAYERS for app in row] + [TESTING, UNPLACED]
    units = [u for u in order if any(u in key for key in counts)]
    if not units:
        return f"{title}: none"
    width = max(len(u) for u in units) + 2
    lines = [title, " " * width + "".join(u.rjust(12) for u in units)]
    for source in units:
        cells = []
        for target in units:
            n = counts.get((source, target), 0)
            bad = n and reference_violation(source, target, test=tests)
            cells.append((f"{n}!" if bad else str(n) if n else "·").rjust(12))
        lines.append(source.ljust(width) + "".join(cells))
    return "\n".join(lines)


def report(root: Path = ROOT) -> str:
    """The layers, the tables of imports (code, then tests) and every violation."""
    imports = read_imports(root)
    layers = " → ".join(", ".join(describe(app) for app in row) for row in LAYERS)
    violations = all_violations(root)
    verdict = [f"{len(violations)} violation(s):", *map(str, violations)]
    return "\n\n".join(
        [
            f"Layers, highest first: {layers}",
            render_table(
                import_counts(imports, tests=False),
                "Import statements between apps (rows import columns; ! = up or sideways)",
                tests=False,
            ),
            render_table(import_counts(imports, tests=True), "The same for tests", tests=True),
            "\n".join(verdict) if violations else "No import goes up or sideways.",
        ]
    )
