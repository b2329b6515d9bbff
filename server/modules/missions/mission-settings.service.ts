/** The mission's own settings that coordinators change: when their page raises alerts, whom teams call in trouble. */
import type { Db } from '../../../db/client';
import type { AlertSettings } from '../../../shared/schemas/auth';
import type { EmergencyContact, EmergencyContacts } from '../../../shared/schemas/route-sheets';
import { HttpError } from '../../errors';
import { readEmergencyContacts, saveAlertSettings, saveEmergencyContacts } from './missions.repository';

/** Told once new settings are stored (the broadcaster: news to the mission's coordinators). */
export interface MissionSettingsNotifier {
  alertSettingsChanged(missionId: string, settings: AlertSettings): void;
}

/** Trimmed, with an empty role left out; the schema has already checked each field's form. */
function tidy(contact: EmergencyContact): EmergencyContact {
  const role = contact.role?.trim() ?? '';
  return { name: contact.name.trim(), ...(role === '' ? {} : { role }), phone: contact.phone.trim() };
}

export function createMissionSettingsService(db: Db, notifier: MissionSettingsNotifier) {
  async function setAlertSettings(missionId: string, settings: AlertSettings): Promise<AlertSettings> {
    if (!(await saveAlertSettings(db, missionId, settings))) throw new Error(`mission ${missionId} vanished`);
    notifier.alertSettingsChanged(missionId, settings);
    return settings;
  }

  async function emergencyContacts(missionId: string): Promise<EmergencyContacts> {
    const contacts = await readEmergencyContacts(db, missionId);
    if (contacts === undefined) throw new Error(`mission ${missionId} vanished`);
    return { contacts };
  }

  /** Replaces the list; the same phone twice is a mistake worth naming (nothing is stored then). */
  async function setEmergencyContacts(missionId: string, body: EmergencyContacts): Promise<EmergencyContacts> {
    const contacts = body.contacts.map(tidy);
    const seen = new Map<string, number>();
    contacts.forEach((contact, index) => {
      const digits = contact.phone.replace(/\D/g, '');
      const first = seen.get(digits);
      if (first !== undefined) {
        throw new HttpError(400, `contacts ${first + 1} and ${index + 1} have the same phone`, 'DUPLICATE_PHONE', [
          { field: `/contacts/${index}/phone`, problem: `is the same as /contacts/${first}/phone` },
        ]);
      }
      seen.set(digits, index);
    });
    if (!(await saveEmergencyContacts(db, missionId, contacts))) throw new Error(`mission ${missionId} vanished`);
    return { contacts };
  }

  return { setAlertSettings, emergencyContacts, setEmergencyContacts };
}

export type MissionSettingsService = ReturnType<typeof createMissionSettingsService>;
