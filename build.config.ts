import { defineBuildConfig } from 'unbuild'

/**
 * valibot and aws4fetch stay `dependencies` (our declarations name valibot's types), but their runtime is
 * bundled into dist, tree-shaken to the few functions we call: importing the whole of valibot (200 KB) at
 * start-up cost ~8% of a Node cold start, against our budget of 15% for the whole library.
 */
const BUNDLED = ['valibot', 'aws4fetch']

export default defineBuildConfig({
  entries: ['src/index', 'src/portal/index', 'src/node/index', 'src/cli/index', 'src/emulator/index', 'src/emulator/node'],
  declaration: 'node16',
  sourcemap: true,
  clean: true,
  rollup: { esbuild: { target: 'es2022' } },
  hooks: {
    'rollup:options'(_, options) {
      const isExternal = options.external as (id: string, ...rest: unknown[]) => boolean
      options.external = (id: string, ...rest: unknown[]) =>
        BUNDLED.some((name) => id === name || id.includes(`/node_modules/${name}/`)) ? false : isExternal(id, ...rest)
    },
  },
})
