// Adapted from grafana/k6 examples/source_map/typescript_template/test1.ts at v1.1.0: no changes
function coolThrow(s: string) {
    throw "cool "+ s
}
export default () => {
    coolThrow("is cool")
};
