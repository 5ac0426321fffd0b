/**
 * The Nextcloud stand-in (the server's test support: Radicale for CalDAV and Apache mod_dav for
 * WebDAV at Nextcloud's paths, a Login Flow v2 stand-in), re-exported with its real types for the
 * desktop's tests. Pass its `url` to `startGateway({ env: { NEXTCLOUD_URL } })`.
 */
export {
  startNextcloudStandin,
  type DavUser,
  type NextcloudStandin,
} from '@voiceassist/sync-server/test-support/nextcloud/index.js';
