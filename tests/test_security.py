"""Map content is data, never code: no evaluation, no unsafe YAML, no shell."""
from __future__ import annotations

import ast

from conftest import ROOT

BUILTINS = {"eval", "exec", "compile", "__import__"}
MODULE_CALLS = {("os", "system"), ("os", "popen"), ("yaml", "unsafe_load"), ("yaml", "full_load"),
                ("pickle", "load"), ("pickle", "loads"), ("marshal", "load"), ("marshal", "loads")}


def test_no_code_evaluation_unsafe_yaml_or_shell_in_the_package():
    offences = []
    for path in sorted((ROOT / "argmap").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            where, function = f"{path.relative_to(ROOT)}:{node.lineno}", node.func
            if isinstance(function, ast.Name) and function.id in BUILTINS:
                offences.append(f"{where}: {function.id}()")
            module = getattr(function.value, "id", "") if isinstance(function, ast.Attribute) else ""
            if (module, getattr(function, "attr", "")) in MODULE_CALLS:
                offences.append(f"{where}: {module}.{function.attr}()")
            if any(k.arg == "shell" and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                   for k in node.keywords):
                offences.append(f"{where}: shell=")
            if module == "yaml" and function.attr == "load":
                loader = next((k.value for k in node.keywords if k.arg == "Loader"), None)
                if not (isinstance(loader, ast.Call) and getattr(loader.func, "id", "") == "_yaml12_loader"):
                    offences.append(f"{where}: yaml.load without argmap's safe loader")
    assert offences == []


def test_the_yaml_loader_is_a_safe_loader():
    import yaml

    import pytest

    from argmap.data import DataError, _yaml12_loader, read_data

    assert issubclass(_yaml12_loader(), yaml.SafeLoader) or issubclass(_yaml12_loader(), yaml.CSafeLoader)
    with pytest.raises(DataError, match="python/object"):
        read_data("!!python/object/apply:os.system ['echo pwned']")
