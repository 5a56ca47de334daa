"""efs-access-point-enforced: EFS access points pin a root directory and a POSIX identity.

Why: an access point is how an application is confined to its part of a
shared file system. Without `root_directory.path` (other than "/") it sees the
whole file system, and without `posix_user` every client acts with whatever
identity it claims, so one application can read another's files (PCI DSS
7.2.1, 7.3.1; AWS Config EFS_ACCESS_POINT_ENFORCE_ROOT_DIRECTORY and
EFS_ACCESS_POINT_ENFORCE_USER_IDENTITY). Values unknown at preview are deferred.
"""

from __future__ import annotations

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle

ACCESS_POINT = "aws:efs/accessPoint:AccessPoint"


def check(access_point: ResourceView, config):
    problems, unknowns = [], []
    path = access_point.get("rootDirectory", "path")  # UNKNOWN too when rootDirectory itself is unknown
    if is_unknown(path):
        unknowns.append("rootDirectory.path")
    elif not isinstance(path, str) or path.strip().rstrip("/") == "":
        shown = "not set" if path is None else repr(path)
        problems.append(f"rootDirectory.path is {shown}: clients see the whole file system")
    user = access_point.get("posixUser")
    if is_unknown(user):
        unknowns.append("posixUser")
    elif not isinstance(user, dict) or user.get("uid") is None:
        problems.append("posixUser is not set: clients act with whatever POSIX identity they claim")
    yield from settle(problems, unknowns, subject=describe(access_point))


RULE = Rule(
    name="efs-access-point-enforced",
    description="EFS access points confine clients to a root directory below '/' and enforce a POSIX user.",
    severity="medium",
    pci_dss=("7.2.1", "7.3.1"),
    soc2=("CC6.1", "CC6.3"),
    remediation=("Set root_directory={'path': '/<app>', 'creation_info': {...}} and posix_user={'uid': ..., "
                 "'gid': ...} on the aws.efs.AccessPoint."),
    check=check,
    resource_types=(ACCESS_POINT,),
    violation_example='aws.efs.AccessPoint("app", file_system_id=fs.id)',
)
