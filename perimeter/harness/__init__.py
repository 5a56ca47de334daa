"""Run a Pulumi Python program the way the engine would, without the engine.

`project` reads Pulumi.yaml and the stack file, `runner` starts `program` in a
child process under Pulumi's mock runtime, `monitor` captures each resource
registration as the engine would see it, and `cloud` answers for AWS.
"""
