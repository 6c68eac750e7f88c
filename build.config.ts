import { fileURLToPath } from 'node:url'
import { defineBuildConfig } from 'unbuild'

export default defineBuildConfig({
  entries: ['src/index', 'src/emulator/index', 'src/emulator/node'],
  declaration: 'node16',
  sourcemap: true,
  clean: true,
  // ofetch's Node entry loads node-fetch-native and node:http/https at import time (a ~15% cold-start cost);
  // its runtime-neutral build is what every runtime here needs, since all have a global fetch. So it is bundled.
  alias: { ofetch: fileURLToPath(new URL('node_modules/ofetch/dist/index.mjs', import.meta.url)) },
  rollup: { inlineDependencies: ['ofetch', 'destr', 'ufo'], esbuild: { target: 'es2022' } },
})
