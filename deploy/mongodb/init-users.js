// Runs once, when the MongoDB container starts on an empty volume (docker-entrypoint-initdb.d):
// one user per LMA service, allowed only to read and write its own database (docs/security.md,
// "Deployment"). Passwords come from the container's environment and are required.
const services = {
  'install-intake': 'LMA_INSTALL_INTAKE_DB_PASSWORD',
  lead: 'LMA_LEAD_DB_PASSWORD',
  license: 'LMA_LICENSE_DB_PASSWORD',
  notification: 'LMA_NOTIFICATION_DB_PASSWORD',
  refresh: 'LMA_REFRESH_DB_PASSWORD',
  gateway: 'LMA_GATEWAY_DB_PASSWORD',
};
const prefix = process.env.MONGODB_DB_PREFIX || 'lma';
const admin = db.getSiblingDB('admin');
for (const [service, variable] of Object.entries(services)) {
  const pwd = process.env[variable];
  if (!pwd) throw new Error(`${variable} is required (the password of the ${service} service's database user)`);
  admin.createUser({ user: service, pwd, roles: [{ role: 'readWrite', db: `${prefix}_${service.replace(/-/g, '_')}` }] });
}
