/** GET /api/version: which client build this server serves, so an unattended wall display can reload when it changes. */
import { Type, type Static } from 'typebox';

export const VersionReply = Type.Object({
  /** The package version of the server. */
  version: Type.String(),
  /** Id of the built client this server serves now (from client/dist/index.html); null when it serves none. */
  build: Type.Union([Type.String(), Type.Null()]),
});
export type VersionReply = Static<typeof VersionReply>;
