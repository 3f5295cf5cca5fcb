import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // config/ and migrations/ are links into src/: their files are linted there, under the project's tsconfig.
  // Of console/ (its own package) only its sources are linted, under its own tsconfig (found by the
  // project service); its generated API types are openapi-typescript's, not ours.
  {
    ignores: ['dist/', 'node_modules/', 'coverage/', '.scratch/', 'test-results/', 'config', 'migrations', 'console/*', '!console/src/', 'console/src/api/schema.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'test/harness/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through config/ (AppConfig), not process.env.' },
      ],
    },
  },
  {
    // One way to run raw SQL: boundSql (core/database/sql-rows.ts), in the caller's transaction.
    files: ['src/**/*.ts'],
    ignores: ['src/core/database/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='getConnection']",
          message: 'Run raw SQL with boundSql(em, sql, params) from core/database/sql-rows.ts: it runs in the caller\'s transaction and binds its parameters.',
        },
      ],
    },
  },
  {
    // Decorated constructor parameters must stay value imports: Nest reads their types at run time.
    files: ['src/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    // The conversation core and the channels' paths know conversations, never a kind (messages/, and
    // later exchanges/, discussions/): a kind registers with ConversationKinds instead.
    files: ['src/conversations/**/*.ts', 'src/outbound/**/*.ts', 'src/inbound/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/messages/*'], message: 'Ask the conversation core (ConversationKinds, Conversations) instead of importing a kind.' }] },
      ],
    },
  },
  {
    // core/ is what every module stands on: it knows no business module. A module registers with
    // core instead (error codes with registerErrorCodes, permissions are names to core).
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/accounts/*',
                '**/rights/*',
                '**/messages/*',
                '**/conversations/*',
                '**/outbound/*',
                '**/inbound/*',
                '**/channels/*',
                '**/clients/*',
                '**/structures/*',
                '**/settings/*',
                '**/audit/*',
                '**/companies/*',
              ],
              message: 'core/ must not depend on a business module: take a name or a type parameter, or let the module register with core.',
            },
          ],
        },
      ],
    },
  },
  {
    // Channels hold the adapters and credentials (IMAP, Twilio, SMTP senders); the paths that use them
    // (inbound, outbound) depend on channels, never the other way round.
    files: ['src/channels/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/inbound/*', '**/outbound/*'], message: 'channels/ is used by inbound/ and outbound/, it does not use them.' }] },
      ],
    },
  },
  {
    // The console runs in a browser, built by Vite: no process there. (React's hooks rules would
    // come from eslint-plugin-react-hooks, which the project does not install.)
    files: ['console/src/**/*.ts', 'console/src/**/*.tsx'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'The console is built by Vite: read build settings from import.meta.env; process does not exist in the browser.' },
      ],
    },
  },
  {
    files: ['src/config/load-config.ts', 'test/**/*.ts', 'test/**/*.mjs', '*.js'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // Response bodies are untyped JSON; the assertions are what checks their shape.
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['*.js', 'test/harness/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
