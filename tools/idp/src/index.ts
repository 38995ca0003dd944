export { signIn, type SignInOptions, type SignedIn } from './signIn';
export { DEMO_ROLE_PERMISSIONS, DEMO_USERS, readDemoCredentials, type Credentials, type DemoUser } from './users';
