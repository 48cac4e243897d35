"""Data flows one way: a module imports only from the layers below it."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "generator"

LAYERS = [
    {"errors", "slugs", "memo", "filelimit", "outputfiles"},
    {"config", "dates", "i18n", "discover", "outputfolder"},
    {"model", "frontmatter", "markup", "markdownbounds", "eventwriter", "importformats",
     "slidetext", "staging", "outputlock"},
    {"fieldreader", "importvalues"},
    {"content", "timeline", "pages"},
    {"structured", "feeds", "slides"},
    {"exportformats", "sitemap"},
    {"layouts", "output", "cache"},
    {"workers", "exportstaging"},
    {"build", "livereload"},
    {"importer", "new", "check", "scaffold", "linkcheck"},
    {"serve"},
    {"cli"},
    {"__main__"},
]


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
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert modules <= set().union(*LAYERS)


def test_modules_import_only_from_lower_layers():
    for path in sorted(PACKAGE.glob("*.py")):
        if path.stem == "__init__":
            continue
        for imported in imports_of(path):
            assert layer_of(imported) < layer_of(path.stem), f"{path.stem} imports {imported}"
