import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "efs-access-point-enforced"
ACCESS_POINT = resource(aws.efs.AccessPoint, "app", file_system_id=UNKNOWN, posix_user={"uid": 1000, "gid": 1000},
                        root_directory={"path": "/app", "creation_info": {"owner_uid": 1000, "owner_gid": 1000,
                                                                          "permissions": "750"}})


def test_confined_access_point_passes():
    run(POLICY, ACCESS_POINT).assert_clean()


@pytest.mark.parametrize("changes, named", [
    ({"root_directory": None}, "rootDirectory.path is not set"),
    ({"root_directory": {"path": "/"}}, "rootDirectory.path is '/'"),
    ({"posix_user": None}, "posixUser is not set"),
], ids=["no-root", "slash", "no-user"])
def test_unconfined_access_point_blocks(changes, named):
    run(POLICY, ACCESS_POINT.replace(**changes)).assert_violation(named, on=ACCESS_POINT)


def test_unknown_values_are_deferred():
    run(POLICY, ACCESS_POINT.unknown("rootDirectory", "path")).assert_deferred("rootDirectory.path")


def test_waiver_waives():
    open_point = ACCESS_POINT.replace(posix_user=None)
    run(POLICY, open_point, waivers=[waiver(open_point, reason="Admin tooling access point, break-glass (SEC-81)")]) \
        .assert_waived()


def with_inputs(**inputs):
    """The baseline's wire inputs with some replaced (values the typed arguments would refuse)."""
    record = ACCESS_POINT.record()
    record["inputs"].update(inputs)
    return record


NO_ROOT = "rootDirectory.path is not set: clients see the whole file system"
NO_USER = "posixUser is not set: clients act with whatever POSIX identity they claim"


@pytest.mark.parametrize("path", ["/", "//", " /", "/ ", "", "   "])
def test_a_root_of_slashes_or_blanks_blocks(path):
    assert run(POLICY, ACCESS_POINT.replace(root_directory={"path": path})).finding() == (
        f"AccessPoint 'app': rootDirectory.path is {path!r}: clients see the whole file system.")


@pytest.mark.parametrize("path", ["/app", "/app/", " /app ", "/X"])
def test_a_directory_below_the_root_passes(path):
    run(POLICY, ACCESS_POINT.replace(root_directory={"path": path})).assert_clean()


@pytest.mark.parametrize("inputs, line", [
    ({"rootDirectory": None}, f"AccessPoint 'app': {NO_ROOT}."),
    ({"rootDirectory": {}}, f"AccessPoint 'app': {NO_ROOT}."),
    ({"rootDirectory": {"path": 7}}, "AccessPoint 'app': rootDirectory.path is 7.0: clients see the whole file system."),
    ({"posixUser": None}, f"AccessPoint 'app': {NO_USER}."),
    ({"posixUser": {"gid": 1000}}, f"AccessPoint 'app': {NO_USER}."),
    ({"posixUser": "1000"}, f"AccessPoint 'app': {NO_USER}."),
    ({"rootDirectory": None, "posixUser": None}, f"AccessPoint 'app': {NO_ROOT}; {NO_USER}."),
])
def test_finding_text(inputs, line):
    assert run(POLICY, with_inputs(**inputs)).finding() == line


def test_uid_zero_is_a_set_identity():
    run(POLICY, ACCESS_POINT.replace(posix_user={"uid": 0, "gid": 0})).assert_clean()


@pytest.mark.parametrize("subject, message", [
    (ACCESS_POINT.unknown("rootDirectory", "path"), "AccessPoint 'app': rootDirectory.path unknown at preview"),
    (ACCESS_POINT.unknown("rootDirectory"), "AccessPoint 'app': rootDirectory.path unknown at preview"),
    (ACCESS_POINT.unknown("posixUser"), "AccessPoint 'app': posixUser unknown at preview"),
    (ACCESS_POINT.unknown("rootDirectory").unknown("posixUser"),
     "AccessPoint 'app': rootDirectory.path, posixUser unknown at preview"),
])
def test_deferral_names_what_preview_cannot_see(subject, message):
    result = run(POLICY, subject)
    assert result.clean and [d["message"] for d in result.deferred] == [message]


@pytest.mark.parametrize("subject, line", [
    (ACCESS_POINT.replace(posix_user=None).unknown("rootDirectory"), f"AccessPoint 'app': {NO_USER}."),
    (ACCESS_POINT.replace(root_directory=None).unknown("posixUser"), f"AccessPoint 'app': {NO_ROOT}."),
])
def test_known_problem_blocks_beside_an_unknown(subject, line):
    assert run(POLICY, subject).finding() == line
