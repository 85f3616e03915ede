export { InfraError, PreflightError, ResolveError, StartError, ConfigError, UnreachableError } from './errors';
export { cacheDirFromEnv } from './cache-dir';
export { preflight, checkJava, checkMaven, parseJavaMajor, minimumJavaMajor } from './preflight';
export type { PreflightOptions } from './preflight';
export { checkPortFree, freePort } from './ports';
export {
  resolveKafka,
  resolveRegistry,
  resolveMavenClasspath,
  populateOnce,
  isResolved,
  kafkaRuntimeDir,
  mavenClasspathDir,
  registryRuntimeDir,
  kafkaPomPath,
  apicurioVersion,
} from './resolve';
export type { ResolveOptions, MavenClasspathOptions, KafkaRuntime, RegistryRuntime } from './resolve';
export { kafkaServerProperties, kafkaLog4j2Properties, newClusterId } from './kafka-config';
export type { KafkaServerConfig } from './kafka-config';
export { startKafka } from './kafka';
export type { StartKafkaOptions, KafkaHandle } from './kafka';
export { startRegistry } from './registry';
export type { StartRegistryOptions, RegistryHandle } from './registry';
export { startLocalStack } from './stack';
export type { LocalStackOptions, LocalStack } from './stack';
export { checkKafkaReachable, checkRegistryReachable } from './external';
export { killWhenParentDies } from './watchdog';
export { RestartBackoff, Supervisor, describeExit } from './supervise';
export type { ProcessExit, RestartPolicy, Supervisable, SupervisorOptions } from './supervise';
