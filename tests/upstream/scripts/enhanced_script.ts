// Adapted from grafana/k6 examples/enhanced/script.ts at v1.1.0: no changes
import { User, newUser } from "./user.ts";

export default () => {
	const user: User = newUser("John");
	console.log(user);
};
