"""What the emulated AWS answers for a created resource: what `pulumi up` would hand the update-phase policies."""

from perimeter.harness.cloud import created_outputs

REGION = "eu-west-1"


def test_an_unnamed_resource_is_named_as_the_provider_autonames_it():
    resource_id, state = created_outputs("aws:backup/vault:Vault", "backups", {"kmsKeyArn": "arn:key"}, REGION)
    assert state["name"].startswith("backups-") and state["name"] == resource_id
    again = created_outputs("aws:backup/vault:Vault", "backups", {"kmsKeyArn": "arn:key"}, REGION)[1]
    assert again["name"] == state["name"]


def test_a_name_the_program_sets_is_kept():
    state = created_outputs("aws:backup/vault:Vault", "backups", {"name": "chosen"}, REGION)[1]
    assert state["name"] == "chosen"


def test_a_type_without_a_name_gets_none():
    state = created_outputs("aws:kms/key:Key", "key", {"enableKeyRotation": True}, REGION)[1]
    assert "name" not in state
