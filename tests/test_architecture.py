"""The shape docs/architecture.md draws: data flows one way, a module imports only from the
layers below it; what makes rebuilds incremental lives in generator/incremental/, which no step
of the pipeline imports; modules and classes stay small enough to read."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "generator"

LAYERS = [
    {"errors", "slugs", "memo", "filelimit", "outputfiles", "readwritelock", "progress",
     "buildreport", "imagesize"},
    {"dateparts"},  # instants: dates as whole seconds since 1970, in any year
    {"edtfdates", "writtendates"},  # the two ways of writing a date dates.py reads
    {"config", "dates", "i18n", "discover", "outputfolder", "searchindex"},
    {"model", "datetext", "frontmatter", "markup", "markdownbounds", "eventwriter",
     "importformats", "slidetext", "staging", "outputlock"},
    {"fieldreader", "importvalues", "importmedia", "importremote", "localrefs"},
    {"content", "axis", "timeline", "pages"},
    {"structured", "feeds", "slides", "overview", "htmldates"},
    {"exportformats", "sitemap", "listitems"},
    {"layouts", "output"},
    {"workers", "exportstaging", "assets", "search"},
    # The steps of the pipeline that the ones below do not already make.
    {"reading"},
    {"rendering", "datafiles"},
    # What makes rebuilds incremental, wrapped around the steps from outside.
    {"incremental.cache"},
    {"incremental.keys", "incremental.uptodate", "incremental.events", "incremental.edits"},
    {"incremental.freshness"},
    {"incremental.rendered"},
    {"incremental.memory"},
    # The pipeline in order, fed by the incremental memory.
    {"build", "livereload"},
    {"importer", "new", "scaffold", "linkcheck"},
    {"check"},  # warns of the placeholder text `new` writes
    {"serve"},
    {"usage"},
    {"cli"},
    {"__main__"},
]
# Above the pipeline: the modules that may hand it what the last build made.
MAY_USE_INCREMENTAL = {"build", "check", "serve", "cli", "__main__"}
MODULE_LINES = 400
CLASS_LINES = 250


def modules() -> dict[str, Path]:
    """Every module of the package by its dotted name inside it (`incremental.cache`)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            continue
        found[".".join(parts)] = path
    return found


def layer_of(module: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if module in layer)


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("generator"):
            found.add(node.module.removeprefix("generator").lstrip(".") or "__init__")
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name.startswith("generator.")]
            found |= {name.split(".", 1)[1] for name in names}
    return found - {"__init__"}


def test_every_module_has_a_layer():
    assert set(modules()) <= set().union(*LAYERS)


def test_modules_import_only_from_lower_layers():
    for module, path in modules().items():
        for imported in imports_of(path):
            assert layer_of(imported) < layer_of(module), f"{module} imports {imported}"


def test_no_step_of_the_pipeline_imports_the_incremental_memory():
    for module, path in modules().items():
        if module.startswith("incremental.") or module in MAY_USE_INCREMENTAL:
            continue
        used = {name for name in imports_of(path) if name.startswith("incremental")}
        assert not used, f"{module} imports {used}"


def test_modules_and_classes_stay_small():
    for module, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= MODULE_LINES, f"{module} has {lines} lines"
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                assert length <= CLASS_LINES, f"{module}.{node.name} has {length} lines"
