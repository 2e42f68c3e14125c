#!/bin/sh
# netns-agent.sh - Open MPI's rsh agent for nodes simulated by network namespaces
# (tests/multinode.sh): OMPI_MCA_plm_rsh_agent=tests/netns-agent.sh.
#
#   netns-agent.sh [-OPTION...] HOST COMMAND...
#
# Open MPI calls it like ssh: options (skipped here), the host, then a command line meant for a
# remote shell (values quoted for it, commands separated by ';'). The command runs in HOST's
# network namespace, $BFS_NETNS_PREFIX$HOST, inside a UTS namespace of its own whose host name
# is HOST, through sh -c with the words joined by spaces, as ssh would run it. Exit status:
# the command's, 255 (like ssh) when the namespace is missing.
while [ $# -gt 0 ]; do
	case $1 in
	-*) shift ;;
	*) break ;;
	esac
done
if [ $# -lt 2 ] || [ -z "${BFS_NETNS_PREFIX:-}" ]; then
	echo "netns-agent.sh: usage: [-OPTION...] HOST COMMAND... (with BFS_NETNS_PREFIX set)" >&2
	exit 255
fi
host=$1
shift
case $host in
*[!A-Za-z0-9_-]*)
	echo "netns-agent.sh: bad host name '$host'" >&2
	exit 255
	;;
esac
ns=$BFS_NETNS_PREFIX$host
if ! [ -e "/run/netns/$ns" ]; then
	echo "netns-agent.sh: no network namespace $ns for host $host" >&2
	exit 255
fi
exec ip netns exec "$ns" unshare --uts sh -c "hostname $host || exit 255; $*"
