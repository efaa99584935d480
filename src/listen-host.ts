/**
 * Where the server listens. Probot 14 listens on localhost unless HOST is set, which no container
 * port mapping or load balancer can reach; so in production the bot listens on all IPv4 interfaces
 * unless HOST says otherwise. Development keeps Probot's localhost: the setup page it serves without
 * credentials writes the app's secrets, and should not be reachable from the network.
 */
export const PRODUCTION_HOST = "0.0.0.0";

export function listenHost(env: NodeJS.ProcessEnv): string | undefined {
  if (env.HOST) return env.HOST;
  return env.NODE_ENV === "production" ? PRODUCTION_HOST : undefined;
}
