import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Who may import whom. Libraries never import apps; core libraries never import NestJS;
// testing helpers are only for specs (see the spec block below); benches, being entry points, may also use the
// infrastructure (e.g. the Kafka Streams peer of libs/streams resolves its classpath with infra-kafka).
const constraints = (allowTesting, allowInfra = false) => {
  const extra = [...(allowTesting ? ['type:testing'] : []), ...(allowInfra ? ['type:infra'] : [])];
  const t = (...tags) => [...tags, ...extra];
  return [
    { sourceTag: 'scope:core', bannedExternalImports: ['@nestjs/*', 'express', 'rxjs'] },
    { sourceTag: 'type:util', onlyDependOnLibsWithTags: t('type:util') },
    { sourceTag: 'type:schema', onlyDependOnLibsWithTags: t('type:util') },
    { sourceTag: 'type:topics', onlyDependOnLibsWithTags: t('type:schema', 'type:util') },
    { sourceTag: 'type:streams', onlyDependOnLibsWithTags: t('type:schema', 'type:util') },
    { sourceTag: 'type:domain', onlyDependOnLibsWithTags: t('type:schema', 'type:util') },
    { sourceTag: 'type:chat-io', onlyDependOnLibsWithTags: t('type:domain', 'type:streams', 'type:topics', 'type:schema', 'type:util') },
    { sourceTag: 'type:nest-adapter', onlyDependOnLibsWithTags: t('type:chat-io', 'type:domain', 'type:streams', 'type:topics', 'type:schema', 'type:util') },
    { sourceTag: 'type:infra', onlyDependOnLibsWithTags: t('type:topics', 'type:schema', 'type:util') },
    { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:infra', 'type:topics', 'type:schema', 'type:streams', 'type:util', 'type:testing'] },
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: t('type:chat-io', 'type:nest-adapter', 'type:domain', 'type:streams', 'type:topics', 'type:schema', 'type:util', 'type:infra') },
    { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
  ];
};

export default [
  { ignores: ['**/dist', '**/node_modules', '**/generated/**', '**/*.cjs', '**/*.mjs', 'tmp/**', '.nx/**'] },
  ...tseslint.configs.recommended,
  { plugins: { '@nx': nx } },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: false, allow: [], depConstraints: constraints(false) },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/testing/**/*.ts', '**/__fixtures__/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: false, allow: [], depConstraints: constraints(true) },
      ],
    },
  },
  {
    files: ['**/bench/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: false, allow: [], depConstraints: constraints(true, true) },
      ],
    },
  },
];
