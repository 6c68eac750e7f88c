"""botocore's access portal client ("sso"), as the AWS CLI v1 and v2 use it, for test/botocore-parity.test.ts.

Reads {"endpoint": url, "calls": [{"method": "get_role_credentials", "input": {...}}, ...]} on stdin, makes each
call in order with one client (unsigned, as the portal's operations are; one attempt each), and prints a JSON list:
{"ok": true, "value": <output without ResponseMetadata>} or {"ok": false, "error": {"code", "message", "status",
"requestId"}} for a ClientError, or {"ok": false, "exception": <class name>, "text": <message>} for anything else.
"""
import json
import sys

import botocore.session
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

request = json.load(sys.stdin)
client = botocore.session.get_session().create_client(
    'sso',
    region_name='us-east-1',
    endpoint_url=request['endpoint'],
    config=Config(signature_version=UNSIGNED, retries={'total_max_attempts': 1}),
)
results = []
for call in request['calls']:
    try:
        output = getattr(client, call['method'])(**call['input'])
        output.pop('ResponseMetadata', None)
        results.append({'ok': True, 'value': output})
    except ClientError as error:
        details = error.response.get('Error', {})
        metadata = error.response.get('ResponseMetadata', {})
        results.append({
            'ok': False,
            'error': {
                'code': details.get('Code'),
                'message': details.get('Message'),
                'status': metadata.get('HTTPStatusCode'),
                'requestId': metadata.get('RequestId'),
            },
        })
    except Exception as error:  # noqa: BLE001 - reported to the test, which fails on it
        results.append({'ok': False, 'exception': type(error).__name__, 'text': str(error)})
print(json.dumps(results))
