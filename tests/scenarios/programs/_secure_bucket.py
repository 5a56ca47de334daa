"""A compliant bucket the scenarios build on: CMK, public access block, ownership, versioning, a lifecycle,
server access logging into a sink bucket, and an AWS Backup selection of a locked vault's daily plan."""
import pulumi_aws as aws

BACKUP_ROLE = "arn:aws:iam::123456789012:role/scenario-backup"
_shared = {}


def _dressed(name, key):
    """A bucket with every per-bucket control, and its backup selection."""
    bucket = aws.s3.Bucket(name)
    aws.s3.BucketServerSideEncryptionConfiguration(f"{name}-sse", bucket=bucket.id, rules=[{
        "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn},
        "bucket_key_enabled": True}])
    aws.s3.BucketPublicAccessBlock(f"{name}-pab", bucket=bucket.id, block_public_acls=True, block_public_policy=True,
                                   ignore_public_acls=True, restrict_public_buckets=True)
    aws.s3.BucketOwnershipControls(f"{name}-own", bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"})
    aws.s3.BucketVersioning(f"{name}-ver", bucket=bucket.id, versioning_configuration={"status": "Enabled"})
    aws.s3.BucketLifecycleConfiguration(f"{name}-life", bucket=bucket.id, rules=[{
        "id": "bounded", "status": "Enabled", "filter": {"prefix": ""}, "expiration": {"days": 400}}])
    aws.backup.Selection(f"{name}-backup", plan_id=_shared["plan"].id, iam_role_arn=BACKUP_ROLE,
                         resources=[bucket.arn])
    return bucket


def _shared_resources():
    """One backup vault and plan, and one access-log sink, for every bucket of the program."""
    if not _shared:
        key = aws.kms.Key("backups-key", enable_key_rotation=True)
        vault = aws.backup.Vault("backups", kms_key_arn=key.arn)
        aws.backup.VaultLockConfiguration("backups-lock", backup_vault_name=vault.name, min_retention_days=35,
                                          max_retention_days=35)
        _shared["plan"] = aws.backup.Plan("daily", rules=[{
            "rule_name": "daily", "target_vault_name": vault.name, "schedule": "cron(0 3 * * ? *)",
            "lifecycle": {"delete_after": 35}}])
        _shared["sink"] = _dressed("access-logs", key)
    return _shared


def secure_bucket(name, key=None):
    key = key or aws.kms.Key(f"{name}-key", enable_key_rotation=True)
    shared = _shared_resources()
    bucket = _dressed(name, key)
    aws.s3.BucketLogging(f"{name}-logging", bucket=bucket.id, target_bucket=shared["sink"].id, target_prefix=f"{name}/")
    return bucket, key
