import type { Admin } from 'kafkajs';
import * as fs from 'node:fs';
import { allTopics, applyTopics } from '@platform/topics';
import { uniqueName } from '@platform/testing';
import { startApp, tempDir, type AppProcess } from './processes';
import { appEnv } from './app-env';

/** The platform as `npm start` runs it, in a fresh topic namespace: three API apps and the gateway, each its own process. */
export interface ChatStack {
  readonly namespace: string;
  readonly systemToken: string;
  readonly gateway: AppProcess;
  readonly apps: Record<'communication' | 'admin' | 'chatplugin', AppProcess>;
  /** Env shared by every app (broker, registry, namespace, secrets). */
  readonly env: Record<string, string>;
  /** Starts one more process of an app (e.g. a second replica, or a restart on `stateDir`). */
  startReplica(name: 'communication' | 'admin' | 'chatplugin', stateDir?: string, port?: number): Promise<AppProcess>;
  stop(): Promise<void>;
}

/** `extraEnv`: more settings for every app (e.g. the bench lifts the visitor rate limits: it is one client address). */
export async function startChatStack(admin: Admin, extraEnv: Record<string, string> = {}): Promise<ChatStack> {
  const namespace = uniqueName('e2e');
  await applyTopics(admin, allTopics, { namespace });
  const env = appEnv(namespace, extraEnv);
  const systemToken = env.AUTH_SYSTEM_TOKEN!;
  const running: AppProcess[] = [];
  const dirs: string[] = [];
  const newDir = (name: string) => {
    const dir = tempDir(`e2e-${name}-`);
    dirs.push(dir);
    return dir;
  };
  const startReplica = async (name: 'communication' | 'admin' | 'chatplugin', stateDir = newDir(name), port?: number) => {
    const app = await startApp(name, { ...env, STATE_DIR: stateDir }, { port });
    running.push(app);
    return app;
  };
  try {
    const [communication, adminApp, chatplugin] = await Promise.all([startReplica('communication'), startReplica('admin'), startReplica('chatplugin')]);
    const routes = { communication: communication.url, admin: adminApp.url, chatplugin: chatplugin.url };
    const gateway = await startApp('gateway', { ...env, GATEWAY_ROUTES: JSON.stringify(routes), CORS_ORIGINS: '*' });
    running.push(gateway);
    return {
      namespace,
      systemToken,
      gateway,
      apps: { communication, admin: adminApp, chatplugin },
      env,
      startReplica,
      stop: async () => {
        await Promise.all(running.map((app) => app.stop()));
        for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(running.map((app) => app.kill9()));
    throw error;
  }
}
