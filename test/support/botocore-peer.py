"""botocore as a peer of the tests: what the AWS CLI (v1 and v2) runs underneath.

Reads one JSON request on stdin, prints one JSON answer:
- {"endpoint": url, "calls": [{"method": "get_role_credentials", "input": {...}}, ...]}: each call in order with one
  access portal ("sso") client (unsigned, as the portal's operations are; one attempt each). A list of
  {"ok": true, "value": <output without ResponseMetadata>}, {"ok": false, "error": {"code", "message", "status",
  "requestId"}} for a ClientError, or {"ok": false, "exception": <class name>, "text": <message>}.
- {"credentials": profile}: the credentials botocore resolves for the profile (its SSO provider reads the token
  cache and calls GetRoleCredentials): {"method", "accessKeyId", "secretAccessKey", "sessionToken"}.
- {"token": profile}: the SSO token botocore's token provider loads for the profile, refreshing it when it is
  near expiry and writing the cache back: {"token", "expiration"}.
The environment (HOME, AWS_CONFIG_FILE, AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_SSO) is the caller's.
"""
import json
import sys

import botocore.session
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError


def calls(request):
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
    return results


def credentials(profile):
    resolved = botocore.session.Session(profile=profile).get_credentials()
    frozen = resolved.get_frozen_credentials()
    return {'method': resolved.method, 'accessKeyId': frozen.access_key, 'secretAccessKey': frozen.secret_key, 'sessionToken': frozen.token}


def token(profile):
    from botocore.tokens import create_token_resolver

    frozen = create_token_resolver(botocore.session.Session(profile=profile)).load_token().get_frozen_token()
    return {'token': frozen.token, 'expiration': frozen.expiration.isoformat()}


request = json.load(sys.stdin)
if 'calls' in request:
    print(json.dumps(calls(request)))
elif 'credentials' in request:
    print(json.dumps(credentials(request['credentials'])))
else:
    print(json.dumps(token(request['token'])))
