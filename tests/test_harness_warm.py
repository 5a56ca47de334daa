"""The phase runner imports the provider SDK names a program uses once, and nothing of the program's own."""

import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from perimeter.harness.project import Project
from perimeter.harness.runner import run_phases
from perimeter.harness.warm import provider_references


def _write(directory, files):
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return str(directory / "__main__.py")


def test_names_reached_through_aliases_from_imports_and_local_modules(tmp_path):
    main = _write(tmp_path, {
        "__main__.py": """
            import pulumi_aws as aws
            from pulumi_aws import kms as keys
            from components import network
            from components.storage import bucket
            import json

            aws.s3.Bucket("b", tags={"a": json.dumps(keys.Key)})
        """,
        "components/__init__.py": "",
        "components/network.py": """
            import pulumi_aws
            vpc = pulumi_aws.ec2.Vpc
        """,
        "components/storage.py": """
            from .shared import helper
            def bucket():
                pass
        """,
        "components/shared.py": """
            from pulumi_aws.iam import Role
            def helper():
                return Role
        """,
    })
    assert provider_references(main) == {
        "pulumi_aws.s3.Bucket", "pulumi_aws.kms.Key", "pulumi_aws.ec2.Vpc", "pulumi_aws.iam.Role",
    }


def test_other_libraries_and_unreadable_files_are_left_to_the_program(tmp_path):
    main = _write(tmp_path, {
        "__main__.py": """
            import yaml as pulumi_like
            import pulumi
            from broken import thing
            pulumi_like.safe_load
            pulumi.export("x", 1)
        """,
        "broken.py": "def (:\n",
    })
    assert provider_references(main) == set()


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_any_program_text_is_scanned_without_error(tmp_path_factory, text):
    directory = tmp_path_factory.mktemp("program")
    (directory / "__main__.py").write_text(text, encoding="utf-8", errors="surrogatepass")
    assert all(name.startswith("pulumi_") for name in provider_references(str(directory / "__main__.py")))


def test_what_a_local_module_does_at_import_happens_in_every_phase(tmp_path):
    """Only provider SDKs are imported before the fork: a local module that registers at import runs per phase."""
    main = _write(tmp_path, {
        "__main__.py": """
            import pulumi_aws as aws
            import registers_at_import
            aws.kms.Key("key", enable_key_rotation=True)
        """,
        "registers_at_import.py": """
            from pulumi_aws import s3
            s3.BucketV2("registered-at-import")
        """,
    })
    project = Project("warm", str(tmp_path), main, "test", str(tmp_path / "Pulumi.test.yaml"),
                      {"aws:region": "eu-west-1"}, ())
    captures = run_phases(project, ("preview", "update"), timeout=120)
    for phase, capture in captures.items():
        names = sorted(r["name"] for r in capture.resources if r["type"].startswith("aws:"))
        assert names == ["key", "registered-at-import"], phase
