/** Route sheets: the printed page a team takes on the day, and the mission's emergency contacts printed on it. */
import { Type, type Static } from 'typebox';
import { Uuid } from './common';
import { Phase } from './events';
import { Station } from './stations';

/** Someone a team calls when something goes wrong (the mission's security officer, its lawyer, the core team's desk). */
export const EmergencyContact = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 80, pattern: '\\S', description: 'Who answers' }),
    role: Type.Optional(Type.String({ maxLength: 80, description: 'What to call them for, e.g. "Security"' })),
    phone: Type.String({
      minLength: 3,
      maxLength: 30,
      pattern: '^\\+?[0-9][0-9 ()./-]*[0-9]$',
      description: 'Digits, spaces and ( ) . / - only, an optional leading +',
    }),
  },
  { additionalProperties: false },
);
export type EmergencyContact = Static<typeof EmergencyContact>;

/** PUT /api/mission/emergency-contacts: the whole list, in the order it is printed (an empty list clears it). */
export const EmergencyContacts = Type.Object(
  { contacts: Type.Array(EmergencyContact, { maxItems: 8 }) },
  { additionalProperties: false },
);
export type EmergencyContacts = Static<typeof EmergencyContacts>;

/** One stop of a team's route as printed: the station's identity and place, and the phases observed there. */
export const RouteSheetStop = Type.Evaluate(
  Type.Intersect([
    Type.Pick(Station, ['code', 'name', 'address', 'district', 'lat', 'lng']),
    Type.Object({ stationId: Uuid, phases: Type.Array(Phase) }),
  ]),
);
export type RouteSheetStop = Static<typeof RouteSheetStop>;

export const RouteSheet = Type.Object({
  teamId: Uuid,
  callSign: Type.String(),
  members: Type.Array(Type.String()),
  /** The stops in route order. */
  stops: Type.Array(RouteSheetStop),
});
export type RouteSheet = Static<typeof RouteSheet>;

export const RouteSheetsQuery = Type.Object({ teamId: Type.Optional(Uuid) }, { additionalProperties: false });
export type RouteSheetsQuery = Static<typeof RouteSheetsQuery>;

export const RouteSheetsReply = Type.Object({
  /** One sheet per team (only the asked team's with `teamId`), in call-sign order. */
  sheets: Type.Array(RouteSheet),
  contacts: Type.Array(EmergencyContact),
});
export type RouteSheetsReply = Static<typeof RouteSheetsReply>;
