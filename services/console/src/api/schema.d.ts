// Generated from the gateway's OpenAPI document by scripts/generate-api.mjs; do not edit.
export interface paths {
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This OpenAPI 3.1 document
         * @description Any authenticated caller.
         */
        get: operations["getOpenApi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/asyncapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The AsyncAPI 3.0 document of the Kafka topics: channels, keys, CloudEvents headers, payload schemas, who sends and who receives
         * @description Public: no credentials needed.
         */
        get: operations["getAsyncApi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schemas/{eventType}/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The JSON Schema of an event type's data: what its ce_dataschema (urn:lma:schema:<type>:v<version>) names
         * @description Public: no credentials needed.
         */
        get: operations["getEventSchema"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * API keys, revoked ones included (never their secrets)
         * @description Requires the `admin` permission (or `admin`).
         */
        get: operations["listApiKeys"];
        put?: never;
        /**
         * Create an API key for a system
         * @description The answer holds the key (`key`) once; only its SHA-256 hash is stored. Send it as `Authorization: ApiKey <key>` or `X-API-Key: <key>`.
         *
         *     Requires the `admin` permission (or `admin`).
         */
        post: operations["createApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api-keys/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One API key (never its secret)
         * @description Requires the `admin` permission (or `admin`).
         */
        get: operations["getApiKey"];
        put?: never;
        post?: never;
        /**
         * Revoke an API key
         * @description Idempotent. The key is refused (401) at once by the gateway replica that revoked it and by the others within API_KEY_CACHE_TTL_MS (10 s by default).
         *
         *     Requires the `admin` permission (or `admin`).
         */
        delete: operations["revokeApiKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api-keys/{keyId}/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every change to one API key: who, when, before and after
         * @description Requires the `admin` permission (or `admin`).
         */
        get: operations["getApiKeyAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/dead-letters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Records dead-lettered by any service since a time, newest first
         * @description The gateway asks every service's ledger for the same page (each reads only its ledger, which holds the last `DEAD_LETTER_RETENTION_DAYS`) and merges them. A service that does not answer is named in `unavailable` instead of failing the list. Admins only: reasons can quote the record.
         *
         *     Requires the `admin` permission (or `admin`).
         */
        get: operations["listDeadLetters"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/licenses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List licenses
         * @description Filters combine (AND). Sorted by `sort` (then by id), `order` asc or desc; cursor pagination.
         *
         *     Requires the `licenses:read` permission (or `admin`).
         */
        get: operations["listLicenses"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/licenses/{licenseId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a license
         * @description The ETag is the license revision (`"<revision>"`): send it as `If-Match` to make a change conditional.
         *
         *     Requires the `licenses:read` permission (or `admin`).
         */
        get: operations["getLicense"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Modify License: expiration, seats, status (needs licenses:read and licenses:edit)
         * @description The only way to change a license by hand. A Trial must expire within 90 days; a license that has been Active never goes back to Trial (422). Uninstalled licenses and licenses of a locked org cannot be modified (409). Seats may go below the seats in use. Optional optimistic concurrency: `If-Match` with the ETag of the license (`"<revision>"`) makes the change conditional (412 when the license has moved on); `revision` in the body does the same with a 409. Each accepted change publishes one lma.license.modified or lma.license.status-changed event; a change to the same values publishes nothing.
         *
         *     Requires the `licenses:edit` permission (or `admin`).
         */
        patch: operations["modifyLicense"];
        trace?: never;
    };
    "/licenses/{licenseId}/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Changes of a license: who, when, why, values before and after (newest first)
         * @description Requires the `licenses:read` permission (or `admin`).
         */
        get: operations["listLicenseAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/licenses/{licenseId}/seats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Users holding a seat of a license (by user id)
         * @description Requires the `licenses:read` permission (or `admin`).
         */
        get: operations["listSeats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/licenses/{licenseId}/seats/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Give a user a seat (needs licenses:read and licenses:edit)
         * @description 409 when every seat is taken (unless site license), the license is uninstalled or its org locked. Assigning again changes nothing.
         *
         *     Requires the `licenses:edit` permission (or `admin`).
         */
        put: operations["assignSeat"];
        post?: never;
        /**
         * Take a user's seat back (needs licenses:read and licenses:edit); revoking again changes nothing
         * @description Requires the `licenses:edit` permission (or `admin`).
         */
        delete: operations["revokeSeat"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/license-checks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Is this user of this org licensed for this package? (hot path, from memory)
         * @description reason: null when licensed; otherwise the first of not-installed, uninstalled, org-locked, suspended, expired, no-seat. A site license licenses every user of the org.
         *
         *     Requires the `licenses:read` permission (or `admin`).
         */
        get: operations["checkLicense"];
        put?: never;
        /**
         * Many license checks in one request (at most 100)
         * @description Requires the `licenses:read` permission (or `admin`).
         */
        post: operations["checkLicenses"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/packages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List packages (by name)
         * @description Requires the `packages:read` permission (or `admin`).
         */
        get: operations["listPackages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/packages/{packageId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a package
         * @description Requires the `packages:read` permission (or `admin`).
         */
        get: operations["getPackage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change a package's default license values (every other field is the marketplace's, read-only)
         * @description New licenses get these defaults; existing licenses do not change. Audited. `If-Match` with the ETag of the package makes the change conditional (412 when the package has changed).
         *
         *     Requires the `packages:edit` permission (or `admin`).
         */
        patch: operations["updatePackage"];
        trace?: never;
    };
    "/packages/{packageId}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Versions of a package, newest release first (read-only)
         * @description Requires the `packages:read` permission (or `admin`).
         */
        get: operations["listPackageVersions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/package-versions/{packageVersionId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a package version (read-only)
         * @description Requires the `packages:read` permission (or `admin`).
         */
        get: operations["getPackageVersion"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/license-republish-requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Publish the current state of every license of a package (or of every package) on lma.license.events again
         * @description For consumers that lost their copy of the licenses. Each license is published as its last event (its type, its current revision) with `reason: republish`, `changedBy` the caller and a ce_id of its own (`<licenseId>:<revision>:republish:<requestId>`): a consumer that has that revision drops it, one that lacks it takes it. The work is done in the background: the answer (202) is the request, to follow with GET. `packageId: null` asks for every package; an unknown package is 404.
         *
         *     Requires the `admin` permission (or `admin`).
         */
        post: operations["requestLicenseRepublish"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/license-republish-requests/{requestId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * How far a republish request is
         * @description Requires the `admin` permission (or `admin`).
         */
        get: operations["getLicenseRepublishRequest"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/team-members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The team directory, by id
         * @description Requires the `team:read` permission (or `admin`).
         */
        get: operations["listTeamMembers"];
        put?: never;
        /**
         * Add a team member
         * @description Without `permissions`, the member gets the permissions of their roles. 409 when the id or the email is taken.
         *
         *     Requires the `admin` permission (or `admin`).
         */
        post: operations["createTeamMember"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/team-members/{teamMemberId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One team member
         * @description Requires the `team:read` permission (or `admin`).
         */
        get: operations["getTeamMember"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change a team member (name, email, activity, roles, permissions)
         * @description `permissions: null` makes the permissions follow the roles again. 409 when the new email is taken. `If-Match` with the ETag of the member makes the change conditional (412 when the member has changed).
         *
         *     Requires the `admin` permission (or `admin`).
         */
        patch: operations["updateTeamMember"];
        trace?: never;
    };
    "/packages/{packageId}/lead-manager": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Change a package's lead manager
         * @description The lead manager must be an active team member with access to licenses (`licenses:read` or `admin` among their permissions); otherwise 422 naming why (`names no team member`, `names an inactive team member`, `names a team member without access to licenses`). A change publishes `lma.lead.routing-changed`: onboardings parked on the lead manager resume, and new leads get the new owner. `If-Match` with the ETag of the lead routing makes the change conditional (412 when the routing has changed). `null` makes LMA the owner of new leads.
         *
         *     Requires the `packages:edit` permission (or `admin`).
         */
        put: operations["setLeadManager"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/packages/{packageId}/lead-routing": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A package's lead routing
         * @description Requires the `packages:read` permission (or `admin`).
         */
        get: operations["getLeadRouting"];
        /**
         * Change a package's lead routing (lead manager and contact matching)
         * @description The lead manager must be an active team member with access to licenses (`licenses:read` or `admin` among their permissions); otherwise 422 naming why (`names no team member`, `names an inactive team member`, `names a team member without access to licenses`). A change publishes `lma.lead.routing-changed`: onboardings parked on the lead manager resume, and new leads get the new owner. `If-Match` with the ETag of the lead routing makes the change conditional (412 when the routing has changed).
         *
         *     Requires the `packages:edit` permission (or `admin`).
         */
        put: operations["putLeadRouting"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/leads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Leads, by creation time, each with its licenses
         * @description Filters combine (AND). Installs create leads with lead source `Package Installation`.
         *
         *     Requires the `leads:read` permission (or `admin`).
         */
        get: operations["listLeads"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/leads/{leadId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One lead with its licenses
         * @description Requires the `leads:read` permission (or `admin`).
         */
        get: operations["getLead"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/leads/{leadId}/convert": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Convert an open lead into a contact, in a new or an existing account
         * @description Its licenses are then linked to the account and the contact (`lma.lead.converted`). 409 when the lead is not Open, 422 when `accountId` names no account.
         *
         *     Requires the `leads:edit` permission (or `admin`).
         */
        post: operations["convertLead"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Accounts, by creation time, each with its licenses
         * @description Requires the `accounts:read` permission (or `admin`).
         */
        get: operations["listAccounts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/accounts/{accountId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One account with its licenses
         * @description Requires the `accounts:read` permission (or `admin`).
         */
        get: operations["getAccount"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/contacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Contacts, by creation time, each with its licenses
         * @description Requires the `contacts:read` permission (or `admin`).
         */
        get: operations["listContacts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/contacts/{contactId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One contact with its licenses
         * @description Requires the `contacts:read` permission (or `admin`).
         */
        get: operations["getContact"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/audit-entries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Changes made through the lead API to one resource: who, when, before and after
         * @description Resource ids: team member id, package id (lead routing), lead id (conversion). Oldest first.
         *
         *     Requires the `admin` permission (or `admin`).
         */
        get: operations["listAuditEntries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/onboardings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Onboardings of one install (package and subscriber org), newest first
         * @description Answers "why is there no license for this install?". At most the 20 latest; 404 when the install started none.
         *
         *     Requires the `licenses:read` permission (or `admin`).
         */
        get: operations["listOnboardings"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/onboardings/attention": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Onboardings parked, or failed within the attention window, newest first
         * @description Every parked onboarding (until it resumes) and every onboarding that failed within the last `ONBOARDING_ATTENTION_DAYS` (7 by default) of install-intake, with its reason and step; `state` keeps one of the two. Read from a list that holds only these, never from the history of installs.
         *
         *     Requires the `licenses:read` permission (or `admin`).
         */
        get: operations["listOnboardingAttention"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/onboardings/by-event/{eventId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The onboarding started by one marketplace event (its CloudEvents id)
         * @description 404 says whether the event was accepted without starting an onboarding, or never accepted (dead-lettered).
         *
         *     Requires the `licenses:read` permission (or `admin`).
         */
        get: operations["getOnboardingByEvent"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/onboardings/{sagaId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One onboarding
         * @description Requires the `licenses:read` permission (or `admin`).
         */
        get: operations["getOnboarding"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/onboardings/{sagaId}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Retry a parked onboarding now
         * @description Only a parked onboarding can be retried (409 otherwise).
         *
         *     Requires the `licenses:edit` permission (or `admin`).
         */
        post: operations["retryOnboarding"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/notification-rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Notification rules, oldest first
         * @description Requires the `notification-rules:read` permission (or `admin`).
         */
        get: operations["listNotificationRules"];
        put?: never;
        /**
         * Create a notification rule
         * @description Unknown template placeholders, team members not in the directory and stages out of 1..365 or repeated are 400s naming the field. Webhook secrets are write-only: no response, log or event shows them (the rule shows their last 4 characters in secretHints). A new rule holds no secrets, so `{ "keep": … }` is a 400 naming the secret.
         *
         *     Requires the `notification-rules:edit` permission (or `admin`).
         */
        post: operations["createNotificationRule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/notification-rules/{ruleId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One notification rule
         * @description Requires the `notification-rules:read` permission (or `admin`).
         */
        get: operations["getNotificationRule"];
        put?: never;
        post?: never;
        /**
         * Delete a notification rule
         * @description The rule raises no more notifications and is no longer listed or readable (404). Notifications it already raised keep their history, and those still being delivered are delivered. Who deleted it and when are kept. `If-Match` with the ETag of the rule deletes it only as it was then (412 otherwise).
         *
         *     Requires the `notification-rules:edit` permission (or `admin`).
         */
        delete: operations["deleteNotificationRule"];
        options?: never;
        head?: never;
        /**
         * Change a notification rule (switch it off with enabled: false)
         * @description The whole rule is validated again after the change. `recipients` replaces the rule's recipients: a webhook left out is removed, and each webhook's secrets are those listed, new ones (whsec_…) or held ones kept by their hint (`{ "keep": "…abcd" }`), so a change of recipients needs no secret pasted again. A `keep` naming no held secret of that webhook id, or one that two held secrets share, is a 400 naming the secret (body.recipients.webhooks.0.secrets.1) and the rule stays as it was. Rotation: keep the old secret and add a new one; once the receiver has the new one, keep only the new one. `If-Match` with the ETag of the rule makes the change conditional (412 when the rule has changed); without it, a change made meanwhile is a 409.
         *
         *     Requires the `notification-rules:edit` permission (or `admin`).
         */
        patch: operations["updateNotificationRule"];
        trace?: never;
    };
    "/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Notification history with delivery logs, newest first
         * @description Requires the `notification-rules:read` permission (or `admin`).
         */
        get: operations["listNotifications"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/notifications/{notificationId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One notification and its delivery log
         * @description Requires the `notification-rules:read` permission (or `admin`).
         */
        get: operations["getNotification"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/notifications/{notificationId}/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a notification again (audited: who and when)
         * @description Starts a new delivery round with fresh retries; 409 while one is still pending or when it has no recipient address.
         *
         *     Requires the `notification-rules:edit` permission (or `admin`).
         */
        post: operations["resendNotification"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/packages/{packageId}/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A package's last refresh and when the next one is available
         * @description Requires the `packages:read` permission (or `admin`).
         */
        get: operations["getRefreshStatus"];
        put?: never;
        /**
         * Reconcile a package's licenses with the marketplace
         * @description At most once per 7 days per package (plus administrator grants): 429 with Retry-After (seconds) and nextAvailableAt otherwise. Asks the marketplace for every installation of the package, creates missing licenses through the onboarding saga and corrects drifted ones.
         *
         *     Requires the `packages:edit` permission (or `admin`).
         */
        post: operations["requestRefresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/packages/{packageId}/refresh-jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A package's refresh jobs, newest first
         * @description Requires the `packages:read` permission (or `admin`).
         */
        get: operations["listRefreshJobs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/refresh-jobs/{jobId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One refresh job: progress while it runs, summary after
         * @description Requires the `packages:read` permission (or `admin`).
         */
        get: operations["getRefreshJob"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/refresh-jobs/{jobId}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run an incomplete refresh again, without using the allowance
         * @description Only an incomplete job, and only once (409 otherwise). The new job asks the marketplace again; corrections already made are not repeated.
         *
         *     Requires the `packages:edit` permission (or `admin`).
         */
        post: operations["retryRefreshJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/packages/{packageId}/refresh-grants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A package's refresh grants (the audit), newest first
         * @description Requires the `admin` permission (or `admin`).
         */
        get: operations["listRefreshGrants"];
        put?: never;
        /**
         * Grant one extra refresh to a package (administrators)
         * @description Used by the next refresh request refused by the weekly allowance. Audited: who, when and why.
         *
         *     Requires the `admin` permission (or `admin`).
         */
        post: operations["grantRefresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description RFC 9457 problem details, sent as application/problem+json */
        Problem: {
            /**
             * Format: uri
             * @description The kind of problem: `https://lma.example/problems/<name>`, documented under that name in docs/problems.md
             * @example https://lma.example/problems/license-not-modifiable
             */
            type: string;
            /** @description The title of the kind of problem (the same for every problem of a type) */
            title: string;
            status: number;
            /** @description What went wrong this time */
            detail?: string;
            /** @description The request path */
            instance?: string;
            /** @description One entry per invalid field (validation) */
            errors?: {
                /**
                 * @example body.name
                 * @example query.limit
                 * @example path.keyId
                 */
                field: string;
                reason: string;
            }[];
            /** @description The permission the caller lacks (permission-denied) */
            missingPermission?: string;
            /** @description The current revision of the resource (precondition-failed, revision-conflict) */
            revision?: number;
            /** @description Also sent as the Retry-After header (rate-limited, refresh-allowance-used) */
            retryAfterSeconds?: number;
            /**
             * Format: date-time
             * @description When the package's next refresh is available (refresh-allowance-used)
             */
            nextAvailableAt?: string;
            /** @description The service that is unavailable (service-unavailable) */
            service?: string;
        };
        NewApiKey: {
            keyId: string;
            name: string;
            permissions: ("licenses:read" | "licenses:edit" | "packages:read" | "packages:edit" | "leads:read" | "leads:edit" | "accounts:read" | "contacts:read" | "team:read" | "notification-rules:read" | "notification-rules:edit" | "admin")[];
            /** Format: date-time */
            createdAt: string;
            createdBy: string;
            revokedAt: string | null;
            revokedBy: string | null;
            /** @description `lma_<keyId>_<secret>`; only its hash is stored, so it is shown only now */
            key: string;
        };
        CreateApiKeyRequest: {
            name: string;
            permissions: ("licenses:read" | "licenses:edit" | "packages:read" | "packages:edit" | "leads:read" | "leads:edit" | "accounts:read" | "contacts:read" | "team:read" | "notification-rules:read" | "notification-rules:edit" | "admin")[];
        };
        ApiKeyPage: {
            items: components["schemas"]["ApiKey"][];
            nextCursor: string | null;
        };
        ApiKey: {
            keyId: string;
            name: string;
            permissions: ("licenses:read" | "licenses:edit" | "packages:read" | "packages:edit" | "leads:read" | "leads:edit" | "accounts:read" | "contacts:read" | "team:read" | "notification-rules:read" | "notification-rules:edit" | "admin")[];
            /** Format: date-time */
            createdAt: string;
            createdBy: string;
            revokedAt: string | null;
            revokedBy: string | null;
        };
        ApiKeyAuditEntryList: {
            items: components["schemas"]["ApiKeyAuditEntry"][];
        };
        ApiKeyAuditEntry: {
            /** @enum {string} */
            action: "created" | "revoked";
            /** @description Subject of the caller who made the change */
            actor: string;
            /** Format: date-time */
            at: string;
            before: {
                name: string;
                permissions: ("licenses:read" | "licenses:edit" | "packages:read" | "packages:edit" | "leads:read" | "leads:edit" | "accounts:read" | "contacts:read" | "team:read" | "notification-rules:read" | "notification-rules:edit" | "admin")[];
                revokedAt: string | null;
            } | null;
            after: {
                name: string;
                permissions: ("licenses:read" | "licenses:edit" | "packages:read" | "packages:edit" | "leads:read" | "leads:edit" | "accounts:read" | "contacts:read" | "team:read" | "notification-rules:read" | "notification-rules:edit" | "admin")[];
                revokedAt: string | null;
            };
        };
        DeadLetterPage: {
            items: components["schemas"]["DeadLetter"][];
            nextCursor: string | null;
            /** @description Services that did not answer: their dead letters are missing from this page */
            unavailable: ("install-intake" | "lead" | "license" | "notification" | "refresh")[];
        };
        DeadLetter: {
            /** @description `<consumer group>|<topic>|<partition>|<offset>`: one record of one group */
            id: string;
            /** @enum {string} */
            service: "install-intake" | "lead" | "license" | "notification" | "refresh";
            consumerGroup: string;
            /** @description The topic it was read from (its dead letter is on `<topic>.dlq`) */
            topic: string;
            partition: number;
            offset: string;
            /** @description Its `ce_id` header, when it had one */
            eventId: string | null;
            /** @description Its `ce_type` header, when it had one */
            type: string | null;
            /** @description Why it was dead-lettered (`lma_dlq_reason`) */
            reason: string;
            /** @description The field at fault, when one is (`lma_dlq_field`) */
            field: string | null;
            /**
             * Format: date-time
             * @description When it was dead-lettered
             */
            at: string;
        };
        LicensePage: {
            items: components["schemas"]["License"][];
            nextCursor: string | null;
        };
        License: {
            licenseId: string;
            licenseName: string;
            packageId: string;
            packageVersionId: string;
            versionNumber: string;
            subscriberOrgId: string;
            /** @enum {string} */
            status: "Trial" | "Active" | "Suspended" | "Uninstalled";
            seats: number | null;
            usedLicenses: number | null;
            expiresOn: string | null;
            /** Format: date-time */
            installDate: string;
            orgEdition: string;
            orgStatus: string;
            orgExpiresOn: string | null;
            instance: string;
            sandbox: boolean;
            leadId: string | null;
            accountId: string | null;
            contactId: string | null;
            revision: number;
        };
        ModifyLicenseRequest: {
            reason: string;
            /** @description null: does not expire */
            expiresOn?: string | null;
            /** @description null: site license */
            seats?: number | null;
            /** @enum {string} */
            status?: "Trial" | "Active" | "Suspended";
            /** @description The revision the change is based on (409 when the license has moved on) */
            revision?: number;
        };
        LicenseAuditEntryPage: {
            items: components["schemas"]["LicenseAuditEntry"][];
            nextCursor: string | null;
        };
        LicenseAuditEntry: {
            entryId: string;
            revision: number;
            /** Format: date-time */
            at: string;
            eventType: string;
            changedBy: string;
            reason: string;
            before: {
                [key: string]: unknown;
            };
            after: {
                [key: string]: unknown;
            };
        };
        SeatPage: {
            items: components["schemas"]["Seat"][];
            nextCursor: string | null;
        };
        Seat: {
            userId: string;
            /** Format: date-time */
            assignedAt: string;
        };
        SeatChange: {
            userId: string;
            assigned: boolean;
            changed: boolean;
            license: components["schemas"]["License"];
        };
        AssignSeatRequest: unknown | {
            reason?: string;
        };
        RevokeSeatRequest: unknown | {
            reason?: string;
        };
        LicenseCheck: {
            licensed: boolean;
            reason: ("not-installed" | "uninstalled" | "org-locked" | "suspended" | "expired" | "no-seat") | null;
            licenseId: string | null;
            status: ("Trial" | "Active" | "Suspended" | "Uninstalled") | null;
            expiresOn: string | null;
            siteLicense: boolean | null;
            revision: number | null;
        };
        LicenseCheckResults: {
            results: components["schemas"]["LicenseCheck"][];
        };
        CheckLicensesRequest: {
            checks: {
                packageId: string;
                subscriberOrgId: string;
                userId: string;
            }[];
        };
        PackagePage: {
            items: components["schemas"]["Package"][];
            nextCursor: string | null;
        };
        Package: {
            packageId: string;
            packageName: string;
            developerName: string;
            developerOrgId: string;
            registeredAt: string;
            defaultLicense: components["schemas"]["DefaultLicense"];
            sandboxSiteLicense: boolean;
            leadManagerId: string | null;
            ownerId: string | null;
            latestVersionId: string | null;
            latestVersionNumber: string | null;
            latestReleasedAt: string | null;
            /** @description Grows with every change of the package as shown here (its ETag is `"<revision>"`) */
            revision: number;
        };
        DefaultLicense: {
            /** @enum {string} */
            status: "Trial" | "Active";
            lengthDays: number | null;
            seats: number | null;
        };
        UpdatePackageRequest: {
            reason: string;
            defaultLicense?: {
                /** @enum {string} */
                status?: "Trial" | "Active";
                lengthDays?: number | null;
                seats?: number | null;
            };
            /** @description Sandbox installs get a site license */
            sandboxSiteLicense?: boolean;
        };
        PackageVersionPage: {
            items: components["schemas"]["PackageVersion"][];
            nextCursor: string | null;
        };
        PackageVersion: {
            packageVersionId: string;
            packageId: string;
            versionName: string;
            versionNumber: string;
            beta: boolean;
            releasedAt: string;
        };
        LicenseRepublishRequest: {
            requestId: string;
            /** @description null: every package */
            packageId: string | null;
            requestedBy: string;
            /** Format: date-time */
            requestedAt: string;
            /** @enum {string} */
            state: "requested" | "running" | "done";
            /** @description Licenses published again so far */
            republished: number;
            finishedAt: string | null;
        };
        RequestLicenseRepublishRequest: {
            /** @description The package whose licenses to publish again; null: every package */
            packageId: string | null;
        };
        TeamMember: {
            id: string;
            name: string;
            email: string;
            active: boolean;
            roles: ("lead-manager" | "sales-rep" | "retention-specialist" | "license-manager" | "admin")[];
            /** @description What the member may do: given explicitly, or derived from the roles (see permissionsFromRoles) */
            permissions: string[];
            /** @description true when no explicit permissions were given and they follow the roles */
            permissionsFromRoles: boolean;
            /** @description Grows with every change of the member (its ETag is `"<revision>"`) */
            revision: number;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        CreateTeamMemberRequest: {
            id?: string;
            name: string;
            /** Format: email */
            email: string;
            /** @default true */
            active: boolean;
            /** @default [] */
            roles: ("lead-manager" | "sales-rep" | "retention-specialist" | "license-manager" | "admin")[];
            permissions?: ("licenses:read" | "licenses:edit" | "packages:read" | "packages:edit" | "leads:read" | "leads:edit" | "accounts:read" | "contacts:read" | "team:read" | "notification-rules:read" | "notification-rules:edit" | "admin")[];
        };
        UpdateTeamMemberRequest: {
            name?: string;
            /** Format: email */
            email?: string;
            active?: boolean;
            roles?: ("lead-manager" | "sales-rep" | "retention-specialist" | "license-manager" | "admin")[];
            permissions?: ("licenses:read" | "licenses:edit" | "packages:read" | "packages:edit" | "leads:read" | "leads:edit" | "accounts:read" | "contacts:read" | "team:read" | "notification-rules:read" | "notification-rules:edit" | "admin")[] | null;
        };
        TeamMemberPage: {
            items: components["schemas"]["TeamMember"][];
            nextCursor: string | null;
        };
        LeadRouting: {
            packageId: string;
            /** @description Owner of the package's new leads; null: LMA */
            leadManagerId: string | null;
            contactMatching: boolean;
            /** @description Grows with every change of the routing, 0 until the first (its ETag is `"<revision>"`) */
            revision: number;
            updatedAt: string | null;
        };
        SetLeadManagerRequest: {
            leadManagerId: string | null;
        };
        PutLeadRoutingRequest: {
            leadManagerId?: string | null;
            contactMatching?: boolean;
        };
        LeadPage: {
            items: components["schemas"]["Lead"][];
            nextCursor: string | null;
        };
        Lead: {
            leadId: string;
            firstName: string;
            lastName: string;
            company: string;
            email: string;
            phone: string | null;
            country: string | null;
            state: string | null;
            leadSource: string;
            ownerId: string;
            /** @enum {string} */
            status: "Open" | "Converted" | "Withdrawn";
            packageId: string;
            subscriberOrgId: string;
            orgName: string;
            convertedAccountId: string | null;
            convertedContactId: string | null;
            convertedAt: string | null;
            withdrawnAt: string | null;
            withdrawnReason: string | null;
            /** @description The onboarding that created the lead */
            createdBySagaId: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @description Licenses linked to it, as last heard on lma.license.events (eventually consistent) */
            licenses: components["schemas"]["LinkedLicense"][];
        };
        LinkedLicense: {
            licenseId: string;
            licenseName: string;
            packageId: string;
            subscriberOrgId: string;
            /** @enum {string} */
            status: "Trial" | "Active" | "Suspended" | "Uninstalled";
            seats: number | null;
            expiresOn: string | null;
        };
        LeadConversion: {
            leadId: string;
            accountId: string;
            contactId: string;
            /** Format: date-time */
            convertedAt: string;
        };
        ConvertLeadRequest: unknown | {
            accountId?: string;
            accountName?: string;
        };
        AccountPage: {
            items: components["schemas"]["Account"][];
            nextCursor: string | null;
        };
        Account: {
            accountId: string;
            name: string;
            ownerId: string;
            /** Format: date-time */
            createdAt: string;
            /** @description Licenses linked to it, as last heard on lma.license.events (eventually consistent) */
            licenses: components["schemas"]["LinkedLicense"][];
        };
        ContactPage: {
            items: components["schemas"]["Contact"][];
            nextCursor: string | null;
        };
        Contact: {
            contactId: string;
            firstName: string;
            lastName: string;
            email: string;
            phone: string | null;
            country: string | null;
            state: string | null;
            accountId: string;
            ownerId: string;
            leadId: string;
            /** Format: date-time */
            createdAt: string;
            /** @description Licenses linked to it, as last heard on lma.license.events (eventually consistent) */
            licenses: components["schemas"]["LinkedLicense"][];
        };
        AuditEntryPage: {
            items: components["schemas"]["AuditEntry"][];
            nextCursor: string | null;
        };
        AuditEntry: {
            entryId: string;
            /** @enum {string} */
            resourceType: "team-member" | "package" | "lead";
            resourceId: string;
            /** @enum {string} */
            action: "team-member.created" | "team-member.changed" | "lead-routing.changed" | "lead.converted";
            /** @description The caller's subject (token `sub` or API key) */
            actor: string;
            /** Format: date-time */
            at: string;
            before: {
                [key: string]: unknown;
            } | null;
            after: {
                [key: string]: unknown;
            };
        };
        OnboardingList: {
            items: components["schemas"]["Onboarding"][];
        };
        Onboarding: {
            sagaId: string;
            installEventId: string;
            packageId: string;
            subscriberOrgId: string;
            /** @enum {string} */
            state: "lead_requested" | "license_requested" | "withdrawing_lead" | "completed" | "parked" | "failed";
            /** @description Human-readable stage: accepted, lead resolved, license created, parked, failed... */
            stage: string;
            currentStep: ("resolve-lead" | "create-license" | "withdraw-lead") | null;
            lead: {
                leadId: string | null;
                contactId: string | null;
                accountId: string | null;
                created: boolean;
                ownerId: string;
                matchedBy: string;
            } | null;
            license: {
                licenseId: string;
                licenseName: string | null;
            } | null;
            parked: {
                /** @enum {string} */
                reason: "package-not-registered" | "version-not-uploaded" | "lead-manager-inactive" | "lead-manager-missing";
                step: ("resolve-lead" | "create-license" | "withdraw-lead") | null;
                since: string | null;
                /** @description What resumes the onboarding by itself */
                resumesOn: string;
                nextRetryAt: string | null;
            } | null;
            failed: {
                reason: string | null;
                step: ("resolve-lead" | "create-license" | "withdraw-lead") | null;
                attempts: number;
            } | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            completedAt: string | null;
            history: {
                /** @enum {string} */
                step: "resolve-lead" | "create-license" | "withdraw-lead";
                /** @enum {string} */
                outcome: "requested" | "re-sent" | "succeeded" | "parked" | "failed" | "resumed";
                /** Format: date-time */
                at: string;
                commandId: string;
                detail?: string;
            }[];
        };
        OnboardingAttentionPage: {
            items: components["schemas"]["OnboardingAttention"][];
            nextCursor: string | null;
        };
        OnboardingAttention: {
            sagaId: string;
            /** @description The marketplace event that started it (`/onboardings/by-event/{eventId}`) */
            installEventId: string;
            packageId: string;
            subscriberOrgId: string;
            /** @description The subscriber org's name as the install gave it */
            orgName: string | null;
            /** @enum {string} */
            state: "parked" | "failed";
            /** @description The park reason, or what made it fail */
            reason: string;
            /** @description The step parked on, or the one that failed */
            step: ("resolve-lead" | "create-license" | "withdraw-lead") | null;
            /**
             * Format: date-time
             * @description Parked since, or failed at
             */
            since: string;
            /** @description What resumes a parked one by itself (null when failed) */
            resumesOn: string | null;
            lead: {
                leadId: string | null;
                contactId: string | null;
                accountId: string | null;
            } | null;
        };
        NotificationRule: {
            ruleId: string;
            name: string;
            /** @enum {string} */
            kind: "license-expiring" | "license-uninstalled" | "license-suspended" | "lead-created" | "onboarding-failed" | "onboarding-parked";
            packageId: string | null;
            enabled: boolean;
            stages: number[];
            parkedMinutes: number | null;
            recipients: {
                teamMemberIds: string[];
                roles: ("lead-manager" | "sales-rep" | "retention-specialist" | "license-manager" | "admin")[];
                leadManager: boolean;
                emails: string[];
                webhooks: {
                    id: string;
                    url: string;
                    /** @description Last 4 characters of each secret */
                    secretHints: string[];
                }[];
            };
            subject: string;
            body: string;
            revision: number;
            /** Format: date-time */
            createdAt: string;
            createdBy: string;
            /** Format: date-time */
            updatedAt: string;
            updatedBy: string;
        };
        CreateNotificationRuleRequest: {
            /** @enum {string} */
            kind: "license-expiring" | "license-uninstalled" | "license-suspended" | "lead-created" | "onboarding-failed" | "onboarding-parked";
            name: string;
            /**
             * @description null: every package
             * @default null
             */
            packageId: string | null;
            /** @default true */
            enabled: boolean;
            /** @description license-expiring: days before the expiration date (default 30 and 7); unique */
            stages?: number[];
            /** @description onboarding-parked: minutes parked before the alert */
            parkedMinutes?: number | null;
            recipients: {
                /**
                 * @description Team members by id (must be in the team directory)
                 * @default []
                 */
                teamMemberIds: string[];
                /**
                 * @description Every active team member with one of these roles
                 * @default []
                 */
                roles: ("lead-manager" | "sales-rep" | "retention-specialist" | "license-manager" | "admin")[];
                /**
                 * @description The package's lead manager (lead-created: the lead's owner)
                 * @default false
                 */
                leadManager: boolean;
                /** @default [] */
                emails: string[];
                /**
                 * @description Signed HTTP targets, by id. The list replaces the rule's webhooks: a webhook left out is removed with its secrets.
                 * @default []
                 */
                webhooks: {
                    id: string;
                    /** Format: uri */
                    url: string;
                    /** @description The webhook's signing secrets, each either a new Standard Webhooks secret (whsec_<base64 key>) or `{ "keep": "…abcd" }`: a secret the rule already holds for the same webhook id, named by its hint in secretHints (a new rule holds none; a hint two held secrets share is refused as ambiguous). The list replaces the webhook's secrets: a held secret neither kept nor sent again is dropped. Every secret signs each delivery (one v1,<signature> each in webhook-signature), so a rotation needs no downtime: keep the old secret and add a new one, switch the receiver, then send only the new one (`keep` it). */
                    secrets: (string | {
                        /** @description A secret the rule already holds for this webhook id, named by its hint in secretHints */
                        keep: string;
                    })[];
                }[];
            };
            /** @description Template: {{field}} placeholders, see docs/notifications.md */
            subject: string;
            body: string;
        };
        NotificationRulePage: {
            items: components["schemas"]["NotificationRule"][];
            nextCursor: string | null;
        };
        UpdateNotificationRuleRequest: {
            name?: string;
            packageId?: string | null;
            enabled?: boolean;
            /** @description license-expiring: days before the expiration date (default 30 and 7); unique */
            stages?: number[];
            /** @description onboarding-parked: minutes parked before the alert */
            parkedMinutes?: number | null;
            recipients?: {
                /**
                 * @description Team members by id (must be in the team directory)
                 * @default []
                 */
                teamMemberIds: string[];
                /**
                 * @description Every active team member with one of these roles
                 * @default []
                 */
                roles: ("lead-manager" | "sales-rep" | "retention-specialist" | "license-manager" | "admin")[];
                /**
                 * @description The package's lead manager (lead-created: the lead's owner)
                 * @default false
                 */
                leadManager: boolean;
                /** @default [] */
                emails: string[];
                /**
                 * @description Signed HTTP targets, by id. The list replaces the rule's webhooks: a webhook left out is removed with its secrets.
                 * @default []
                 */
                webhooks: {
                    id: string;
                    /** Format: uri */
                    url: string;
                    /** @description The webhook's signing secrets, each either a new Standard Webhooks secret (whsec_<base64 key>) or `{ "keep": "…abcd" }`: a secret the rule already holds for the same webhook id, named by its hint in secretHints (a new rule holds none; a hint two held secrets share is refused as ambiguous). The list replaces the webhook's secrets: a held secret neither kept nor sent again is dropped. Every secret signs each delivery (one v1,<signature> each in webhook-signature), so a rotation needs no downtime: keep the old secret and add a new one, switch the receiver, then send only the new one (`keep` it). */
                    secrets: (string | {
                        /** @description A secret the rule already holds for this webhook id, named by its hint in secretHints */
                        keep: string;
                    })[];
                }[];
            };
            /** @description Template: {{field}} placeholders, see docs/notifications.md */
            subject?: string;
            body?: string;
        };
        NotificationPage: {
            items: components["schemas"]["Notification"][];
            nextCursor: string | null;
        };
        Notification: {
            notificationId: string;
            ruleId: string;
            ruleName: string;
            /** @enum {string} */
            kind: "license-expiring" | "license-uninstalled" | "license-suspended" | "lead-created" | "onboarding-failed" | "onboarding-parked";
            /** @description What the alert is about; one notification per rule, occasion and target */
            occasion: string;
            /** @enum {string} */
            channel: "email" | "webhook";
            target: string;
            to: string[];
            /** @description Recipients that resolved to no address */
            unresolved: string[];
            licenseId: string | null;
            packageId: string | null;
            subscriberOrgId: string | null;
            leadId: string | null;
            sagaId: string | null;
            subject: string;
            body: string;
            /** @enum {string} */
            status: "pending" | "sent" | "failed";
            attempts: number;
            nextAttemptAt: string | null;
            /** Format: date-time */
            createdAt: string;
            sentAt: string | null;
            lastError: string | null;
            lastResponse: string | null;
            deliveryLog: components["schemas"]["DeliveryAttempt"][];
            resends: {
                by: string;
                /** Format: date-time */
                at: string;
            }[];
        };
        DeliveryAttempt: {
            /** @description 0: automatic delivery; n: the n-th manual resend */
            round: number;
            attempt: number;
            /** Format: date-time */
            at: string;
            /** @enum {string} */
            outcome: "sent" | "failed" | "abandoned";
            durationMs: number;
            response: string | null;
            error: string | null;
        };
        RefreshJob: {
            jobId: string;
            packageId: string;
            /**
             * @description weekly: the package allowance; grant: an administrator grant; retry: of an incomplete job
             * @enum {string}
             */
            kind: "weekly" | "grant" | "retry";
            grantId: string | null;
            retryOf: string | null;
            retriedBy: string | null;
            requestedBy: string;
            /** Format: date-time */
            acceptedAt: string;
            /** @enum {string} */
            state: "requested" | "running" | "finalizing" | "completed" | "incomplete";
            finishedAt: string | null;
            progress: {
                pagesReceived: number;
                pagesDone: number;
                /** @description Number of pages, once the last one arrived */
                lastPage: number | null;
                /** @description Installations received so far */
                installations: number;
            };
            summary: components["schemas"]["RefreshSummary"];
            missingUpstreamLicenses: {
                licenseId: string;
                licenseName: string | null;
                subscriberOrgId: string;
            }[];
            failures: {
                subscriberOrgId: string;
                reason: string;
            }[];
            incomplete: {
                reason: string;
                missingPages: number[];
            } | null;
        };
        RefreshSummary: {
            /** @description Installations without a license: onboarding sagas started (the saga creates lead and license) */
            created: number;
            /** @description Licenses corrected (one license event each, reason refresh) */
            corrected: number;
            /** @description Corrected licenses per drifted field (a license may count under several) */
            correctedByField: {
                [key: string]: number;
            };
            unchanged: number;
            /** @description Installations without a license whose onboarding was already under way */
            onboardingUnderway: number;
            /** @description Licenses of the package the marketplace no longer lists (reported, not deleted) */
            missingUpstream: number;
            failed: number;
        };
        RefreshStatus: {
            packageId: string;
            lastRefresh: components["schemas"]["RefreshJob"] | null;
            availableNow: boolean;
            /**
             * Format: date-time
             * @description When the weekly allowance is next available (now or later)
             */
            nextAvailableAt: string;
            /** @description Unused administrator grants */
            grantsAvailable: number;
        };
        RefreshJobPage: {
            items: components["schemas"]["RefreshJob"][];
            nextCursor: string | null;
        };
        RefreshGrant: {
            grantId: string;
            packageId: string;
            grantedBy: string;
            /** Format: date-time */
            grantedAt: string;
            reason: string;
            usedByJobId: string | null;
            usedAt: string | null;
        };
        GrantRefreshRequest: {
            reason: string;
        };
        RefreshGrantPage: {
            items: components["schemas"]["RefreshGrant"][];
            nextCursor: string | null;
        };
    };
    responses: {
        /** @description [Invalid request](https://lma.example/problems/validation) */
        Validation: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [Authentication required](https://lma.example/problems/unauthenticated) */
        Unauthenticated: {
            headers: {
                "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [Permission denied](https://lma.example/problems/permission-denied) */
        PermissionDenied: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [Not found](https://lma.example/problems/not-found) */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [No such operation](https://lma.example/problems/unknown-operation) */
        UnknownOperation: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [Method not allowed](https://lma.example/problems/method-not-allowed) */
        MethodNotAllowed: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [Request timeout](https://lma.example/problems/request-timeout) */
        RequestTimeout: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [Already exists](https://lma.example/problems/already-exists) */
        AlreadyExists: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [Revision conflict](https://lma.example/problems/revision-conflict) */
        RevisionConflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [License not modifiable](https://lma.example/problems/license-not-modifiable) */
        LicenseNotModifiable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [No seat available](https://lma.example/problems/no-seat-available) */
        NoSeatAvailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [Lead not open](https://lma.example/problems/lead-not-open) */
        LeadNotOpen: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [Onboarding not parked](https://lma.example/problems/onboarding-not-parked) */
        OnboardingNotParked: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [Refresh not retryable](https://lma.example/problems/refresh-not-retryable) */
        RefreshNotRetryable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [Notification not resendable](https://lma.example/problems/notification-not-resendable) */
        NotificationNotResendable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [Precondition failed](https://lma.example/problems/precondition-failed) */
        PreconditionFailed: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [Payload too large](https://lma.example/problems/payload-too-large) */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [Unsupported media type](https://lma.example/problems/unsupported-media-type) */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [License rule violated](https://lma.example/problems/license-rule-violated) */
        LicenseRuleViolated: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [Invalid lead manager](https://lma.example/problems/invalid-lead-manager) */
        InvalidLeadManager: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [Unknown account](https://lma.example/problems/unknown-account) */
        UnknownAccount: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [Rate limit exceeded](https://lma.example/problems/rate-limited) */
        RateLimited: {
            headers: {
                "Retry-After": components["headers"]["Retry-After"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [Weekly refresh allowance used](https://lma.example/problems/refresh-allowance-used) */
        RefreshAllowanceUsed: {
            headers: {
                "Retry-After": components["headers"]["Retry-After"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [Request header fields too large](https://lma.example/problems/headers-too-large) */
        HeadersTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [Internal error](https://lma.example/problems/internal-error) */
        InternalError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description [Service unavailable](https://lma.example/problems/service-unavailable) */
        ServiceUnavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        /** @description Makes the change conditional: the ETag of the resource as read (`"<revision>"`), several separated by commas, or `*`. When none matches the current revision (a weak or malformed tag never does), nothing changes and the answer is 412. */
        IfMatch: string;
    };
    requestBodies: never;
    headers: {
        /** @description The revision of the resource as a strong entity tag, `"<revision>"`; send it back as `If-Match` */
        ETag: string;
        /** @description Seconds to wait before trying again */
        "Retry-After": number;
        /** @description The schemes the API accepts (`Bearer realm="lma", ApiKey realm="lma"`); the refused one carries `error="invalid_token"` and `error_description` when credentials were given */
        "WWW-Authenticate": string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getOpenApi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            default: components["responses"]["InternalError"];
        };
    };
    getAsyncApi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The AsyncAPI document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            400: components["responses"]["Validation"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            default: components["responses"]["InternalError"];
        };
    };
    getEventSchema: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                eventType: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The JSON Schema (draft-07) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            400: components["responses"]["Validation"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            default: components["responses"]["InternalError"];
        };
    };
    listApiKeys: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of keys, by key id */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyPage"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            default: components["responses"]["InternalError"];
        };
    };
    createApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApiKeyRequest"];
            };
        };
        responses: {
            /** @description The key, with its secret (shown only now) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NewApiKey"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            default: components["responses"]["InternalError"];
        };
    };
    getApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The key */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            default: components["responses"]["InternalError"];
        };
    };
    revokeApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The revoked key */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            default: components["responses"]["InternalError"];
        };
    };
    getApiKeyAudit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The changes, oldest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyAuditEntryList"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            default: components["responses"]["InternalError"];
        };
    };
    listDeadLetters: {
        parameters: {
            query?: {
                /** @description Dead letters at or after this time; 24 hours ago by default. The ledgers keep `DEAD_LETTER_RETENTION_DAYS` (7 by default). */
                since?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of dead letters */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeadLetterPage"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            default: components["responses"]["InternalError"];
        };
    };
    listLicenses: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
                packageId?: string;
                packageVersionId?: string;
                status?: "Trial" | "Active" | "Suspended" | "Uninstalled";
                subscriberOrgId?: string;
                /** @description Licenses with an expiration date before this date */
                expiringBefore?: string;
                leadId?: string;
                accountId?: string;
                contactId?: string;
                sandbox?: "true" | "false";
                sort?: "licenseName" | "expiresOn" | "installDate" | "updatedAt";
                order?: "asc" | "desc";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of licenses */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LicensePage"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    getLicense: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                licenseId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The license */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["License"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    modifyLicense: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the change conditional: the ETag of the resource as read (`"<revision>"`), several separated by commas, or `*`. When none matches the current revision (a weak or malformed tag never does), nothing changes and the answer is 412. */
                "If-Match"?: components["parameters"]["IfMatch"];
            };
            path: {
                licenseId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ModifyLicenseRequest"];
            };
        };
        responses: {
            /** @description The license after the change */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["License"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            /** @description [License not modifiable](https://lma.example/problems/license-not-modifiable); [Revision conflict](https://lma.example/problems/revision-conflict) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["LicenseRuleViolated"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    listLicenseAudit: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                licenseId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of audit entries */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LicenseAuditEntryPage"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    listSeats: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                licenseId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of seat holders */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SeatPage"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    assignSeat: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                licenseId: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["AssignSeatRequest"];
            };
        };
        responses: {
            /** @description The seat and the license */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SeatChange"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            /** @description [License not modifiable](https://lma.example/problems/license-not-modifiable); [No seat available](https://lma.example/problems/no-seat-available) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    revokeSeat: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                licenseId: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["RevokeSeatRequest"];
            };
        };
        responses: {
            /** @description The seat and the license */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SeatChange"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["LicenseNotModifiable"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    checkLicense: {
        parameters: {
            query: {
                packageId: string;
                subscriberOrgId: string;
                userId: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The answer */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LicenseCheck"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    checkLicenses: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CheckLicensesRequest"];
            };
        };
        responses: {
            /** @description One answer per check, in order */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LicenseCheckResults"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    listPackages: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of packages */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PackagePage"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    getPackage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                packageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The package */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Package"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    updatePackage: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the change conditional: the ETag of the resource as read (`"<revision>"`), several separated by commas, or `*`. When none matches the current revision (a weak or malformed tag never does), nothing changes and the answer is 412. */
                "If-Match"?: components["parameters"]["IfMatch"];
            };
            path: {
                packageId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdatePackageRequest"];
            };
        };
        responses: {
            /** @description The package after the change */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Package"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    listPackageVersions: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                packageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of versions */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PackageVersionPage"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    getPackageVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                packageVersionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PackageVersion"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    requestLicenseRepublish: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RequestLicenseRepublishRequest"];
            };
        };
        responses: {
            /** @description The request, accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LicenseRepublishRequest"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    getLicenseRepublishRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                requestId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The request */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LicenseRepublishRequest"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    listTeamMembers: {
        parameters: {
            query?: {
                active?: "true" | "false";
                role?: "lead-manager" | "sales-rep" | "retention-specialist" | "license-manager" | "admin";
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of members */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TeamMemberPage"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    createTeamMember: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTeamMemberRequest"];
            };
        };
        responses: {
            /** @description Added */
            201: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TeamMember"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            409: components["responses"]["AlreadyExists"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    getTeamMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                teamMemberId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The member */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TeamMember"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    updateTeamMember: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the change conditional: the ETag of the resource as read (`"<revision>"`), several separated by commas, or `*`. When none matches the current revision (a weak or malformed tag never does), nothing changes and the answer is 412. */
                "If-Match"?: components["parameters"]["IfMatch"];
            };
            path: {
                teamMemberId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateTeamMemberRequest"];
            };
        };
        responses: {
            /** @description The member after the change */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TeamMember"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["AlreadyExists"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    setLeadManager: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the change conditional: the ETag of the resource as read (`"<revision>"`), several separated by commas, or `*`. When none matches the current revision (a weak or malformed tag never does), nothing changes and the answer is 412. */
                "If-Match"?: components["parameters"]["IfMatch"];
            };
            path: {
                packageId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SetLeadManagerRequest"];
            };
        };
        responses: {
            /** @description The routing after the change */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LeadRouting"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["InvalidLeadManager"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    getLeadRouting: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                packageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The routing */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LeadRouting"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    putLeadRouting: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the change conditional: the ETag of the resource as read (`"<revision>"`), several separated by commas, or `*`. When none matches the current revision (a weak or malformed tag never does), nothing changes and the answer is 412. */
                "If-Match"?: components["parameters"]["IfMatch"];
            };
            path: {
                packageId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PutLeadRoutingRequest"];
            };
        };
        responses: {
            /** @description The routing after the change */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LeadRouting"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["InvalidLeadManager"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    listLeads: {
        parameters: {
            query?: {
                leadSource?: string;
                status?: "Open" | "Converted" | "Withdrawn";
                ownerId?: string;
                packageId?: string;
                subscriberOrgId?: string;
                /** @description By creation time: newest first (desc, the default) or oldest first */
                order?: "asc" | "desc";
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of leads */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LeadPage"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    getLead: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                leadId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The lead */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Lead"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    convertLead: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                leadId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ConvertLeadRequest"];
            };
        };
        responses: {
            /** @description Converted */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LeadConversion"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["LeadNotOpen"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["UnknownAccount"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    listAccounts: {
        parameters: {
            query?: {
                ownerId?: string;
                name?: string;
                /** @description By creation time: newest first (desc, the default) or oldest first */
                order?: "asc" | "desc";
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of accounts */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccountPage"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    getAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                accountId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The account */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Account"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    listContacts: {
        parameters: {
            query?: {
                email?: string;
                accountId?: string;
                ownerId?: string;
                /** @description By creation time: newest first (desc, the default) or oldest first */
                order?: "asc" | "desc";
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of contacts */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ContactPage"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    getContact: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                contactId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The contact */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Contact"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    listAuditEntries: {
        parameters: {
            query: {
                resourceType: "team-member" | "package" | "lead";
                resourceId: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of entries */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditEntryPage"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    listOnboardings: {
        parameters: {
            query: {
                packageId: string;
                subscriberOrgId: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The onboardings */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OnboardingList"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    listOnboardingAttention: {
        parameters: {
            query?: {
                state?: "parked" | "failed";
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of onboardings needing attention */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OnboardingAttentionPage"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    getOnboardingByEvent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                eventId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The onboarding */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Onboarding"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    getOnboarding: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sagaId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The onboarding */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Onboarding"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    retryOnboarding: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sagaId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Resumed; the onboarding as it stands */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Onboarding"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["OnboardingNotParked"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    listNotificationRules: {
        parameters: {
            query?: {
                kind?: "license-expiring" | "license-uninstalled" | "license-suspended" | "lead-created" | "onboarding-failed" | "onboarding-parked";
                packageId?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The rules */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationRulePage"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    createNotificationRule: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateNotificationRuleRequest"];
            };
        };
        responses: {
            /** @description The rule */
            201: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationRule"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            409: components["responses"]["AlreadyExists"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    getNotificationRule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                ruleId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The rule */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationRule"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    deleteNotificationRule: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the change conditional: the ETag of the resource as read (`"<revision>"`), several separated by commas, or `*`. When none matches the current revision (a weak or malformed tag never does), nothing changes and the answer is 412. */
                "If-Match"?: components["parameters"]["IfMatch"];
            };
            path: {
                ruleId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["RevisionConflict"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    updateNotificationRule: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the change conditional: the ETag of the resource as read (`"<revision>"`), several separated by commas, or `*`. When none matches the current revision (a weak or malformed tag never does), nothing changes and the answer is 412. */
                "If-Match"?: components["parameters"]["IfMatch"];
            };
            path: {
                ruleId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateNotificationRuleRequest"];
            };
        };
        responses: {
            /** @description The rule */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationRule"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["RevisionConflict"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    listNotifications: {
        parameters: {
            query?: {
                licenseId?: string;
                packageId?: string;
                ruleId?: string;
                status?: "pending" | "sent" | "failed";
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The notifications */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationPage"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    getNotification: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                notificationId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The notification */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Notification"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    resendNotification: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                notificationId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted: the notification, pending */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Notification"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["NotificationNotResendable"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    getRefreshStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                packageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The refresh status */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RefreshStatus"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    requestRefresh: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                packageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted: the job */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RefreshJob"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /** @description [Rate limit exceeded](https://lma.example/problems/rate-limited); [Weekly refresh allowance used](https://lma.example/problems/refresh-allowance-used) */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    listRefreshJobs: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                packageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The jobs */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RefreshJobPage"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    getRefreshJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                jobId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RefreshJob"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    retryRefreshJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                jobId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted: the new job */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RefreshJob"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["RefreshNotRetryable"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    listRefreshGrants: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                packageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The grants */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RefreshGrantPage"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
    grantRefresh: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                packageId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GrantRefreshRequest"];
            };
        };
        responses: {
            /** @description The grant */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RefreshGrant"];
                };
            };
            400: components["responses"]["Validation"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["PermissionDenied"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["ServiceUnavailable"];
            default: components["responses"]["InternalError"];
        };
    };
}
