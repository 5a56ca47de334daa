import pulumi_aws as aws

vpc = aws.ec2.Vpc("net", cidr_block="10.0.0.0/16")
aws.ec2.VpcEndpoint("runtime", vpc_id=vpc.id, service_name="com.amazonaws.eu-west-1.bedrock-runtime",
                    vpc_endpoint_type="Interface")
