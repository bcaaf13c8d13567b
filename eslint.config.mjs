// ESLint flat config: type-aware rules for all TypeScript, prettier owns formatting.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import { layersPlugin } from './eslint/layer-imports.mjs';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.cache/', '.state/', '.venv/', 'bin/', '**/*.mjs', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: false },
      ],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // The layer order of DESIGN: eslint/layer-imports.mjs.
    files: ['**/*.ts'],
    plugins: { layers: layersPlugin(import.meta.dirname) },
    rules: { 'layers/imports': 'error' },
  },
  {
    // Habits: a function a reviewer can hold in their head. A rule set that needs more is split
    // into named rules (see judgeEnclaveSet in client/src/confidential/enclave-verifier.ts).
    files: ['chaincode/src/**/*.ts', 'client/src/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      complexity: ['error', 20],
      'max-lines-per-function': ['error', { max: 100, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  prettier,
);
