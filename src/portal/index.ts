/**
 * ssooidc/portal: the AWS access portal API (service id "SSO", 2019-06-10), which turns an IAM Identity Center
 * access token into the user's accounts, roles and temporary AWS credentials, as pure async functions that
 * never throw and return typed Results, over the same request path as the SSO OIDC operations.
 *
 * @module
 */
export {
  getRoleCredentials,
  listAccounts,
  listAccountRoles,
  logout,
  listAllAccounts,
  listAllAccountRoles,
  resolveEndpoint,
  GetRoleCredentialsInput,
  GetRoleCredentialsOutput,
  ListAccountsInput,
  ListAccountsOutput,
  ListAccountRolesInput,
  ListAccountRolesOutput,
  LogoutInput,
  LogoutOutput,
} from './operations'
export type {
  PortalExceptionName,
  PortalException,
  GetRoleCredentialsError,
  ListAccountsError,
  ListAccountRolesError,
  LogoutError,
  AccountInfo,
  RoleInfo,
} from './operations'
export type { Options, Fetch } from '../request'
export type { EndpointOptions } from '../endpoint'
export type {
  Result,
  ErrorOf,
  UnknownServiceError,
  ValidationError,
  ValidationIssue,
  EndpointError,
  NetworkError,
  TimeoutError,
  AbortError,
  InvalidResponseError,
  CallError,
} from '../errors'
