# The stack file pins aws:region to us-east-1 for this scenario.
from _secure_bucket import secure_bucket

secure_bucket("docs")
