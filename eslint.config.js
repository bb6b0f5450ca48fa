import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Spreading an array into a call's arguments puts every element on the stack: past ~120k
    // elements it throws "Maximum call stack size exceeded" (issue 9, item 7: 150,000 dnf lines).
    // Use pushAll / maxOf / minOf from src/util/arrays.ts.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        {
          selector: 'CallExpression[callee.property.name=/^(push|unshift|splice|max|min|fromCharCode|fromCodePoint|apply|call|concat)$/] > SpreadElement',
          message: 'No spread into push/unshift/splice/Math.max/Math.min/fromCharCode arguments (stack overflow past ~120k elements): use pushAll/maxOf/minOf from src/util/arrays.ts or a loop.',
        },
      ],
    },
  },
);
