"""The framework catalogue: every requirement id a rule may cite, with its title.

Rules cite ids; titles live only here, so docs, SARIF and the control matrix
all read the same words. Titles are short paraphrases, not the standards' text.
"""

PCI_DSS_NAME = "PCI DSS"
PCI_DSS_VERSION = "4.0.1"
SOC2_NAME = "SOC 2"

PCI_DSS = {
    "1.2.5": "Only allowed ports, protocols and services are in use",
    "1.2.7": "Network security control configurations are reviewed regularly and kept relevant",
    "1.3.1": "Inbound traffic to the CDE is restricted to what is necessary",
    "1.3.2": "Outbound traffic from the CDE is restricted to what is necessary",
    "1.4.1": "Network security controls sit between trusted and untrusted networks",
    "1.4.2": "Inbound traffic from untrusted networks is restricted",
    "1.4.4": "System components storing cardholder data are not directly accessible from untrusted networks",
    "2.2.1": "Configuration standards are defined, implemented and maintained",
    "2.2.2": "Vendor default accounts are removed, disabled or have their passwords changed",
    "3.2.1": "Account data storage is kept to a minimum with retention and disposal limits",
    "3.3.1": "Sensitive authentication data is not retained after authorization",
    "3.4.1": "PAN is masked when displayed",
    "3.5.1": "PAN is rendered unreadable anywhere it is stored",
    "3.6.1": "Procedures protect cryptographic keys against disclosure and misuse",
    "3.6.1.2": "Secret and private keys are stored in a secure cryptographic device or encrypted form",
    "3.7.4": "Cryptographic keys are changed at the end of their cryptoperiod",
    "3.7.5": "Keys are retired, replaced or destroyed when their integrity is weakened or they reach end of use",
    "4.2.1": "Strong cryptography protects PAN during transmission over open, public networks",
    "6.3.3": "System components are protected from known vulnerabilities by installing patches",
    "6.4.2": "Public-facing applications are protected against attacks",
    "6.5.1": "Changes to system components follow change-control procedures",
    "6.5.2": "After a significant change, applicable requirements are confirmed in place",
    "6.5.5": "Live PANs are not used in pre-production environments",
    "7.2.1": "An access-control model defines access by job function and least privilege",
    "7.2.2": "Access is assigned by job classification and least privilege",
    "7.2.5": "Application and system accounts are assigned the least privileges they need",
    "7.3.1": "An access-control system restricts access based on need to know",
    "8.2.1": "All users are assigned a unique ID before access to system components is allowed",
    "8.2.2": "Group, shared or generic IDs are used only when necessary and are managed",
    "8.3.1": "All user access is authenticated with at least one authentication factor",
    "8.3.9": "Passwords used as the only factor are changed at least every 90 days",
    "8.6.2": "Passwords of application and system accounts are not hard coded in scripts or configuration",
    "8.6.3": "Passwords of application and system accounts are protected against misuse and changed periodically",
    "10.2.1": "Audit logs are enabled and active for all system components",
    "10.2.1.1": "Audit logs capture all individual user access to cardholder data",
    "10.2.1.2": "Audit logs capture all actions taken by individuals with administrative access",
    "10.2.2": "Audit logs record the details of each auditable event",
    "10.3.2": "Audit log files are protected from modification",
    "10.3.3": "Audit log files are promptly backed up to a secure, central store",
    "10.3.4": "File-integrity monitoring or change detection is used on audit logs",
    "10.4.1.1": "Automated mechanisms perform audit log reviews",
    "10.5.1": "Audit log history is retained for at least 12 months, 3 months immediately available",
    "10.7.2": "Failures of critical security control systems are detected, alerted and addressed",
    "11.3.1": "Internal vulnerability scans are performed and vulnerabilities are resolved",
    "11.5.1": "Intrusion-detection and/or intrusion-prevention techniques are used",
    "12.3.1": "Each flexibly implemented requirement has a targeted risk analysis",
    "12.4.1": "Executive management assigns responsibility for protecting account data and PCI DSS compliance",
    "12.5.2": "PCI DSS scope is documented and confirmed at least every 12 months",
    "12.8.1": "A list of third-party service providers is maintained",
    "12.8.4": "Service providers' PCI DSS compliance status is monitored at least every 12 months",
    "12.8.5": "Which requirements each service provider manages is documented",
    "12.10.1": "An incident response plan exists and is ready to be activated",
    "A3.2.5.1": "Data-discovery methodology confirms PAN is not outside the defined CDE",
}

SOC2 = {
    "CC2.1": "The entity obtains or generates relevant, quality information to support internal control",
    "CC1.3": "Management establishes structures, reporting lines, authorities and responsibilities",
    "CC3.2": "The entity identifies and analyzes risks to the achievement of its objectives",
    "CC3.4": "The entity identifies and assesses changes that could significantly impact internal control",
    "CC5.2": "The entity selects and develops general control activities over technology",
    "CC6.1": "Logical access security software, infrastructure and architectures, including encryption",
    "CC6.2": "Registration and authorization of users before access is granted",
    "CC6.3": "Access is authorized, modified or removed based on roles and least privilege",
    "CC6.6": "Logical access security measures against threats from outside system boundaries",
    "CC6.7": "Transmission, movement and removal of information is restricted and protected",
    "CC6.8": "Controls prevent or detect unauthorized or malicious software",
    "CC7.1": "Detection and monitoring procedures identify configuration changes and vulnerabilities",
    "CC7.2": "System components are monitored for anomalies indicative of malicious acts",
    "CC7.3": "Security events are evaluated to determine whether they are incidents",
    "CC8.1": "Changes to infrastructure, data, software and procedures are authorized, tested and approved",
    "CC9.2": "The entity assesses and manages risks associated with vendors and business partners",
    "A1.2": "Environmental protections, backup and recovery infrastructure support availability",
    "C1.1": "Confidential information is identified and maintained to meet confidentiality objectives",
    "C1.2": "Confidential information is disposed of to meet confidentiality objectives",
    "P4.2": "Personal information is retained no longer than necessary",
    "PI1.3": "Processing is complete, valid, accurate, timely and authorized",
}


def framework_labels(pci_ids, soc2_ids) -> list[str]:
    """Human labels used in reports, e.g. "PCI DSS 4.0.1 3.5.1", "SOC 2 CC6.1"."""
    return [f"{PCI_DSS_NAME} {PCI_DSS_VERSION} {r}" for r in pci_ids] + [f"{SOC2_NAME} {c}" for c in soc2_ids]
