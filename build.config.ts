import { defineBuildConfig } from 'unbuild'

export default defineBuildConfig({
  entries: ['src/index', 'src/emulator/index', 'src/emulator/node'],
  declaration: 'node16',
  sourcemap: true,
  clean: true,
  rollup: { esbuild: { target: 'es2022' } },
})
