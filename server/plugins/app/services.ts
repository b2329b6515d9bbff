/** Builds the app's services once, with their dependencies, and hands them to routes and sockets. */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { createAttemptGuard } from '../../modules/auth/attempt-guard';
import { createAuthService } from '../../modules/auth/auth.service';
import { createCoverageService } from '../../modules/coverage/coverage.service';
import { createMissionSettingsService } from '../../modules/missions/mission-settings.service';
import { createDisplayLinksService } from '../../modules/displays/display-links.service';
import { createFeedService } from '../../modules/events/feed.service';
import { createFindingsService } from '../../modules/findings/findings.service';
import { createSummaryService } from '../../modules/summary/summary.service';
import { createEventsService } from '../../modules/events/events.service';
import { createFormsService } from '../../modules/forms/forms.service';
import { createPhotosService } from '../../modules/photos/photos.service';
import { createMapService } from '../../modules/map/map.service';
import { createReplayService, type ReplayService } from '../../modules/replay/replay.service';
import { createStationDetailService } from '../../modules/stations/station-detail.service';
import { createStationsService } from '../../modules/stations/stations.service';
import { createStationTilesService } from '../../modules/stations/station-tiles.service';
import { createTeamsService } from '../../modules/teams/teams.service';
import { createOperationsService } from '../../modules/missions/operations.service';
import { createStationImportService } from '../../modules/missions/station-import.service';
import { createConflictsService } from '../../modules/conflicts/conflicts.service';
import { createPlanService } from '../../modules/teams/plan.service';
import { createExportsService } from '../../modules/exports/exports.service';
import { createMessagesService } from '../../modules/messages/messages.service';
import { createRouteSheetsService } from '../../modules/missions/route-sheets.service';
import { createResultsService } from '../../modules/results/results.service';
import { createOfficialResultsService } from '../../modules/results/official-results.service';
import { createResultChecksService } from '../../modules/results/result-checks.service';
import { createBallotService } from '../../modules/results/ballot.service';

export function createServices(app: FastifyInstance) {
  const { db } = app.database;
  const { displayPolicies } = app;
  const { broadcaster } = app.realtime;
  // Told after each commit too: the replay of the day keeps its snapshots up with the log (set below).
  let replay: ReplayService | null = null;
  const events = createEventsService(app.database, {
    publish: (missionId, stored, patch, deliveries) => {
      broadcaster.publish(missionId, stored, patch, deliveries);
      replay?.logGrew(missionId, stored.at(-1)!.seq);
    },
  });
  const { config } = app;
  const guard = createAttemptGuard(app.failureCounters, {
    loginFailuresPerUserAddress: config.loginFailuresPerUserAddress,
    loginFailuresPerAddress: config.loginFailuresPerAddress,
    joinFailuresPerAddress: config.joinFailuresPerAddress,
    windowMs: config.authFailureWindowMs,
  });
  const auth = createAuthService(db, {
    cacheMs: config.authCacheMs,
    notifier: broadcaster,
    guard,
    // Called only once requests arrive, by when displayLinks below exists.
    displaySettings: (missionId, linkId) => displayLinks.settingsOf(missionId, linkId),
  });
  const displayLinks = createDisplayLinksService(db, displayPolicies, {
    ...broadcaster,
    displayRevoked: (linkId: string) => {
      // A display link is its token: no instance may keep trusting it from its cache.
      void auth.revoked(linkId);
      broadcaster.displayRevoked(linkId);
    },
  });
  const forms = createFormsService(db);
  const teams = createTeamsService(db, displayPolicies, auth);
  const missionSettings = createMissionSettingsService(db, app.realtime.broadcaster);
  const coverage = createCoverageService(db);
  replay = createReplayService(db, { snapshotEvery: config.replaySnapshotEvery }, coverage, broadcaster);
  const results = createResultsService(db, events, displayPolicies);
  const officialResults = createOfficialResultsService(db, events);
  const resultChecks = createResultChecksService(db);
  const stations = createStationsService(db, broadcaster);
  const ballot = createBallotService(db, results);
  return {
    auth,
    displayLinks,
    events,
    feed: createFeedService(events, displayPolicies),
    findings: createFindingsService(db, displayPolicies),
    summary: createSummaryService(db),
    coverage,
    missionSettings,
    routeSheets: createRouteSheetsService(db, teams, missionSettings),
    forms,
    map: createMapService(db, app.config),
    photos: createPhotosService(db),
    stations,
    stationTiles: createStationTilesService(stations, { refreshMs: config.stationTilesRefreshMs }),
    stationImport: createStationImportService(stations, ballot),
    stationDetail: createStationDetailService(db, forms),
    teams,
    operations: createOperationsService(db, app.realtime.broadcaster, events, teams, results),
    conflicts: createConflictsService(db),
    plan: createPlanService(db, events),
    exports: createExportsService(db, {
      quickCount: results.quickCount,
      turnout: results.turnout,
      officialComparison: officialResults.comparison,
      resultChecks: resultChecks.allChecks,
    }),
    messages: createMessagesService(db),
    replay,
    results,
    officialResults,
    resultChecks,
    ballot,
  };
}
export type Services = ReturnType<typeof createServices>;

export default fp(
  async (app) => {
    const services = createServices(app);
    app.decorate('services', services);
    app.addHook('onClose', async () => services.replay.close());
    // The national missions' tile grids are built in the background once the server is up (see warm()); closing waits
    // for it rather than pull the database from under it.
    let warming: Promise<void> = Promise.resolve();
    app.addHook('onReady', async () => {
      warming = services.stationTiles
        .warm()
        .catch((error: unknown) => app.log.warn({ err: error }, 'could not build the station tile grids ahead'));
    });
    app.addHook('onClose', async () => warming);
    // Sockets get only what they ask of the services, through this port (never app.services).
    app.realtime.attach({
      authenticate: services.auth.authenticate,
      forget: services.auth.forget,
      deadTokens: services.auth.deadTokens,
      head: services.events.head,
      feedPage: services.feed.page,
      wallReplayNow: services.replay.onWallsNow,
    });
  },
  { name: 'services', dependencies: ['database', 'display-policies', 'realtime', 'security'] },
);
