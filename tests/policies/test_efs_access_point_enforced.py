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
