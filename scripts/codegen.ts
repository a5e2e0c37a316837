// Runs GraphQL Code Generator through its core API rather than its CLI. The CLI 7 brings file watchers,
// remote-schema loaders and a task runner that declare Node 22; the project needs none of them to turn
// one local SDL file into one TypeScript file, and it runs on Node 20.
import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { codegen } from '@graphql-codegen/core';
import type { CodegenPlugin, Types } from '@graphql-codegen/plugin-helpers';
import * as addPlugin from '@graphql-codegen/add';
import * as typescriptPlugin from '@graphql-codegen/typescript';
import * as resolversPlugin from '@graphql-codegen/typescript-resolvers';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { buildASTSchema, lexicographicSortSchema, parse } from 'graphql';
import config from '../codegen.ts';

const pluginsByName: Record<string, CodegenPlugin> = {
  add: addPlugin,
  typescript: typescriptPlugin,
  'typescript-resolvers': resolversPlugin,
};

const root = path.join(__dirname, '..');

function pluginName(entry: Types.OutputConfig): string {
  return typeof entry === 'string' ? entry : (Object.keys(entry)[0] ?? '');
}

function pluginConfig(entry: Types.OutputConfig): Record<string, unknown> {
  return typeof entry === 'string' ? {} : (Object.values(entry)[0] as Record<string, unknown>);
}

async function generate(): Promise<void> {
  if (typeof config.schema !== 'string') throw new Error('codegen.ts: schema must name one SDL file');
  // The SDL uses federation directives it imports with @link rather than declares, as a subgraph's does.
  const parsed = buildASTSchema(parse(readFileSync(path.join(root, config.schema), 'utf8')), { assumeValidSDL: true });
  // Sorted as the CLI sorts it, so the output does not depend on the order of the SDL.
  const schemaAst = lexicographicSortSchema(parsed);
  const document = parse(printSchemaWithDirectives(schemaAst));
  for (const [filename, target] of Object.entries(config.generates)) {
    const output = target as Types.ConfiguredOutput;
    const plugins = output.plugins ?? [];
    const content = await codegen({
      filename,
      schema: document,
      schemaAst,
      documents: [],
      config: output.config ?? {},
      plugins: plugins.map((entry) => ({ [pluginName(entry)]: pluginConfig(entry) })),
      pluginMap: Object.fromEntries(
        plugins.map((entry) => {
          const plugin = pluginsByName[pluginName(entry)];
          if (!plugin) throw new Error(`codegen.ts: plugin ${pluginName(entry)} is not installed`);
          return [pluginName(entry), plugin];
        }),
      ),
    });
    writeFileSync(path.join(root, filename), content);
    console.log(`generated ${filename}`);
  }
}

generate().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
