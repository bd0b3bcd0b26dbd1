/* The rest of CPython's socket constants for Linux (address families,
 * socket options, CAN, TIPC, vsock, AF_ALG, netlink, packet, RDS, QRTR...),
 * each taken from the system headers when they define it; _socket.c adds
 * them with its own core ones. */
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netdb.h>
#include <errno.h>
#include <net/if.h>
#include <net/ethernet.h>
#include <netinet/udp.h>
#if __has_include(<linux/if_ether.h>)
#include <linux/if_ether.h>
#endif
#if __has_include(<netpacket/packet.h>)
#include <netpacket/packet.h>
#endif
#if __has_include(<linux/can.h>)
#include <linux/can.h>
#include <linux/can/raw.h>
#include <linux/can/bcm.h>
#endif
#if __has_include(<linux/can/isotp.h>)
#include <linux/can/isotp.h>
#endif
#if __has_include(<linux/can/j1939.h>)
#include <linux/can/j1939.h>
#endif
#if __has_include(<linux/tipc.h>)
#include <linux/tipc.h>
#endif
#if __has_include(<linux/vm_sockets.h>)
#include <linux/vm_sockets.h>
#endif
#if __has_include(<linux/if_alg.h>)
#include <linux/if_alg.h>
#endif
#if __has_include(<linux/netlink.h>)
#include <linux/netlink.h>
#endif
#if __has_include(<linux/qrtr.h>)
#include <linux/qrtr.h>
#endif
#if __has_include(<linux/rds.h>)
#include <linux/rds.h>
#endif

#include "_socket_consts.h"

#define C(x) {#x, (long)(x)}
const SocketConst socket_more_constants[] = {
#ifdef AF_ALG
    C(AF_ALG),
#endif
#ifdef AF_APPLETALK
    C(AF_APPLETALK),
#endif
#ifdef AF_ASH
    C(AF_ASH),
#endif
#ifdef AF_ATMPVC
    C(AF_ATMPVC),
#endif
#ifdef AF_ATMSVC
    C(AF_ATMSVC),
#endif
#ifdef AF_AX25
    C(AF_AX25),
#endif
#ifdef AF_BRIDGE
    C(AF_BRIDGE),
#endif
#ifdef AF_CAN
    C(AF_CAN),
#endif
#ifdef AF_DECnet
    C(AF_DECnet),
#endif
#ifdef AF_ECONET
    C(AF_ECONET),
#endif
#ifdef AF_IPX
    C(AF_IPX),
#endif
#ifdef AF_IRDA
    C(AF_IRDA),
#endif
#ifdef AF_KEY
    C(AF_KEY),
#endif
#ifdef AF_LLC
    C(AF_LLC),
#endif
#ifdef AF_NETBEUI
    C(AF_NETBEUI),
#endif
#ifdef AF_NETLINK
    C(AF_NETLINK),
#endif
#ifdef AF_NETROM
    C(AF_NETROM),
#endif
#ifdef AF_PACKET
    C(AF_PACKET),
#endif
#ifdef AF_PPPOX
    C(AF_PPPOX),
#endif
#ifdef AF_QIPCRTR
    C(AF_QIPCRTR),
#endif
#ifdef AF_RDS
    C(AF_RDS),
#endif
#ifdef AF_ROSE
    C(AF_ROSE),
#endif
#ifdef AF_ROUTE
    C(AF_ROUTE),
#endif
#ifdef AF_SECURITY
    C(AF_SECURITY),
#endif
#ifdef AF_SNA
    C(AF_SNA),
#endif
#ifdef AF_TIPC
    C(AF_TIPC),
#endif
#ifdef AF_VSOCK
    C(AF_VSOCK),
#endif
#ifdef AF_WANPIPE
    C(AF_WANPIPE),
#endif
#ifdef AF_X25
    C(AF_X25),
#endif
#ifdef ALG_OP_DECRYPT
    C(ALG_OP_DECRYPT),
#endif
#ifdef ALG_OP_ENCRYPT
    C(ALG_OP_ENCRYPT),
#endif
#ifdef ALG_OP_SIGN
    C(ALG_OP_SIGN),
#endif
#ifdef ALG_OP_VERIFY
    C(ALG_OP_VERIFY),
#endif
#ifdef ALG_SET_AEAD_ASSOCLEN
    C(ALG_SET_AEAD_ASSOCLEN),
#endif
#ifdef ALG_SET_AEAD_AUTHSIZE
    C(ALG_SET_AEAD_AUTHSIZE),
#endif
#ifdef ALG_SET_IV
    C(ALG_SET_IV),
#endif
#ifdef ALG_SET_KEY
    C(ALG_SET_KEY),
#endif
#ifdef ALG_SET_OP
    C(ALG_SET_OP),
#endif
#ifdef ALG_SET_PUBKEY
    C(ALG_SET_PUBKEY),
#endif
#ifdef CAN_BCM
    C(CAN_BCM),
#endif
#ifdef CAN_BCM_CAN_FD_FRAME
    C(CAN_BCM_CAN_FD_FRAME),
#endif
#ifdef CAN_BCM_RX_ANNOUNCE_RESUME
    C(CAN_BCM_RX_ANNOUNCE_RESUME),
#endif
#ifdef CAN_BCM_RX_CHANGED
    C(CAN_BCM_RX_CHANGED),
#endif
#ifdef CAN_BCM_RX_CHECK_DLC
    C(CAN_BCM_RX_CHECK_DLC),
#endif
#ifdef CAN_BCM_RX_DELETE
    C(CAN_BCM_RX_DELETE),
#endif
#ifdef CAN_BCM_RX_FILTER_ID
    C(CAN_BCM_RX_FILTER_ID),
#endif
#ifdef CAN_BCM_RX_NO_AUTOTIMER
    C(CAN_BCM_RX_NO_AUTOTIMER),
#endif
#ifdef CAN_BCM_RX_READ
    C(CAN_BCM_RX_READ),
#endif
#ifdef CAN_BCM_RX_RTR_FRAME
    C(CAN_BCM_RX_RTR_FRAME),
#endif
#ifdef CAN_BCM_RX_SETUP
    C(CAN_BCM_RX_SETUP),
#endif
#ifdef CAN_BCM_RX_STATUS
    C(CAN_BCM_RX_STATUS),
#endif
#ifdef CAN_BCM_RX_TIMEOUT
    C(CAN_BCM_RX_TIMEOUT),
#endif
#ifdef CAN_BCM_SETTIMER
    C(CAN_BCM_SETTIMER),
#endif
#ifdef CAN_BCM_STARTTIMER
    C(CAN_BCM_STARTTIMER),
#endif
#ifdef CAN_BCM_TX_ANNOUNCE
    C(CAN_BCM_TX_ANNOUNCE),
#endif
#ifdef CAN_BCM_TX_COUNTEVT
    C(CAN_BCM_TX_COUNTEVT),
#endif
#ifdef CAN_BCM_TX_CP_CAN_ID
    C(CAN_BCM_TX_CP_CAN_ID),
#endif
#ifdef CAN_BCM_TX_DELETE
    C(CAN_BCM_TX_DELETE),
#endif
#ifdef CAN_BCM_TX_EXPIRED
    C(CAN_BCM_TX_EXPIRED),
#endif
#ifdef CAN_BCM_TX_READ
    C(CAN_BCM_TX_READ),
#endif
#ifdef CAN_BCM_TX_RESET_MULTI_IDX
    C(CAN_BCM_TX_RESET_MULTI_IDX),
#endif
#ifdef CAN_BCM_TX_SEND
    C(CAN_BCM_TX_SEND),
#endif
#ifdef CAN_BCM_TX_SETUP
    C(CAN_BCM_TX_SETUP),
#endif
#ifdef CAN_BCM_TX_STATUS
    C(CAN_BCM_TX_STATUS),
#endif
#ifdef CAN_EFF_FLAG
    C(CAN_EFF_FLAG),
#endif
#ifdef CAN_EFF_MASK
    C(CAN_EFF_MASK),
#endif
#ifdef CAN_ERR_FLAG
    C(CAN_ERR_FLAG),
#endif
#ifdef CAN_ERR_MASK
    C(CAN_ERR_MASK),
#endif
#ifdef CAN_ISOTP
    C(CAN_ISOTP),
#endif
#ifdef CAN_J1939
    C(CAN_J1939),
#endif
#ifdef CAN_RAW
    C(CAN_RAW),
#endif
#ifdef CAN_RAW_FD_FRAMES
    C(CAN_RAW_FD_FRAMES),
#endif
#ifdef CAN_RAW_FILTER
    C(CAN_RAW_FILTER),
#endif
#ifdef CAN_RAW_JOIN_FILTERS
    C(CAN_RAW_JOIN_FILTERS),
#endif
#ifdef CAN_RAW_LOOPBACK
    C(CAN_RAW_LOOPBACK),
#endif
#ifdef CAN_RAW_RECV_OWN_MSGS
    C(CAN_RAW_RECV_OWN_MSGS),
#endif
#ifdef CAN_RTR_FLAG
    C(CAN_RTR_FLAG),
#endif
#ifdef CAN_SFF_MASK
    C(CAN_SFF_MASK),
#endif
#ifdef EAGAIN
    C(EAGAIN),
#endif
#ifdef EBADF
    C(EBADF),
#endif
#ifdef ETHERTYPE_ARP
    C(ETHERTYPE_ARP),
#endif
#ifdef ETHERTYPE_IP
    C(ETHERTYPE_IP),
#endif
#ifdef ETHERTYPE_IPV6
    C(ETHERTYPE_IPV6),
#endif
#ifdef ETHERTYPE_VLAN
    C(ETHERTYPE_VLAN),
#endif
#ifdef ETH_P_ALL
    C(ETH_P_ALL),
#endif
#ifdef EWOULDBLOCK
    C(EWOULDBLOCK),
#endif
#ifdef INADDR_ALLHOSTS_GROUP
    C(INADDR_ALLHOSTS_GROUP),
#endif
#ifdef INADDR_MAX_LOCAL_GROUP
    C(INADDR_MAX_LOCAL_GROUP),
#endif
#ifdef INADDR_UNSPEC_GROUP
    C(INADDR_UNSPEC_GROUP),
#endif
#ifdef IOCTL_VM_SOCKETS_GET_LOCAL_CID
    C(IOCTL_VM_SOCKETS_GET_LOCAL_CID),
#endif
#ifdef IPPORT_RESERVED
    C(IPPORT_RESERVED),
#endif
#ifdef IPPORT_USERRESERVED
    C(IPPORT_USERRESERVED),
#endif
#ifdef IPPROTO_AH
    C(IPPROTO_AH),
#endif
#ifdef IPPROTO_DSTOPTS
    C(IPPROTO_DSTOPTS),
#endif
#ifdef IPPROTO_EGP
    C(IPPROTO_EGP),
#endif
#ifdef IPPROTO_ESP
    C(IPPROTO_ESP),
#endif
#ifdef IPPROTO_FRAGMENT
    C(IPPROTO_FRAGMENT),
#endif
#ifdef IPPROTO_GRE
    C(IPPROTO_GRE),
#endif
#ifdef IPPROTO_HOPOPTS
    C(IPPROTO_HOPOPTS),
#endif
#ifdef IPPROTO_ICMPV6
    C(IPPROTO_ICMPV6),
#endif
#ifdef IPPROTO_IDP
    C(IPPROTO_IDP),
#endif
#ifdef IPPROTO_IGMP
    C(IPPROTO_IGMP),
#endif
#ifdef IPPROTO_IPIP
    C(IPPROTO_IPIP),
#endif
#ifdef IPPROTO_MPTCP
    C(IPPROTO_MPTCP),
#endif
#ifdef IPPROTO_NONE
    C(IPPROTO_NONE),
#endif
#ifdef IPPROTO_PIM
    C(IPPROTO_PIM),
#endif
#ifdef IPPROTO_PUP
    C(IPPROTO_PUP),
#endif
#ifdef IPPROTO_ROUTING
    C(IPPROTO_ROUTING),
#endif
#ifdef IPPROTO_RSVP
    C(IPPROTO_RSVP),
#endif
#ifdef IPPROTO_SCTP
    C(IPPROTO_SCTP),
#endif
#ifdef IPPROTO_TP
    C(IPPROTO_TP),
#endif
#ifdef IPPROTO_UDPLITE
    C(IPPROTO_UDPLITE),
#endif
#ifdef IPV6_CHECKSUM
    C(IPV6_CHECKSUM),
#endif
#ifdef IPV6_DONTFRAG
    C(IPV6_DONTFRAG),
#endif
#ifdef IPV6_DSTOPTS
    C(IPV6_DSTOPTS),
#endif
#ifdef IPV6_HOPLIMIT
    C(IPV6_HOPLIMIT),
#endif
#ifdef IPV6_HOPOPTS
    C(IPV6_HOPOPTS),
#endif
#ifdef IPV6_JOIN_GROUP
    C(IPV6_JOIN_GROUP),
#endif
#ifdef IPV6_LEAVE_GROUP
    C(IPV6_LEAVE_GROUP),
#endif
#ifdef IPV6_MULTICAST_HOPS
    C(IPV6_MULTICAST_HOPS),
#endif
#ifdef IPV6_MULTICAST_IF
    C(IPV6_MULTICAST_IF),
#endif
#ifdef IPV6_MULTICAST_LOOP
    C(IPV6_MULTICAST_LOOP),
#endif
#ifdef IPV6_NEXTHOP
    C(IPV6_NEXTHOP),
#endif
#ifdef IPV6_PATHMTU
    C(IPV6_PATHMTU),
#endif
#ifdef IPV6_PKTINFO
    C(IPV6_PKTINFO),
#endif
#ifdef IPV6_RECVDSTOPTS
    C(IPV6_RECVDSTOPTS),
#endif
#ifdef IPV6_RECVHOPLIMIT
    C(IPV6_RECVHOPLIMIT),
#endif
#ifdef IPV6_RECVHOPOPTS
    C(IPV6_RECVHOPOPTS),
#endif
#ifdef IPV6_RECVPATHMTU
    C(IPV6_RECVPATHMTU),
#endif
#ifdef IPV6_RECVPKTINFO
    C(IPV6_RECVPKTINFO),
#endif
#ifdef IPV6_RECVRTHDR
    C(IPV6_RECVRTHDR),
#endif
#ifdef IPV6_RECVTCLASS
    C(IPV6_RECVTCLASS),
#endif
#ifdef IPV6_RTHDR
    C(IPV6_RTHDR),
#endif
#ifdef IPV6_RTHDRDSTOPTS
    C(IPV6_RTHDRDSTOPTS),
#endif
#ifdef IPV6_RTHDR_TYPE_0
    C(IPV6_RTHDR_TYPE_0),
#endif
#ifdef IPV6_TCLASS
    C(IPV6_TCLASS),
#endif
#ifdef IPV6_UNICAST_HOPS
    C(IPV6_UNICAST_HOPS),
#endif
#ifdef IP_ADD_SOURCE_MEMBERSHIP
    C(IP_ADD_SOURCE_MEMBERSHIP),
#endif
#ifdef IP_BIND_ADDRESS_NO_PORT
    C(IP_BIND_ADDRESS_NO_PORT),
#endif
#ifdef IP_BLOCK_SOURCE
    C(IP_BLOCK_SOURCE),
#endif
#ifdef IP_DEFAULT_MULTICAST_LOOP
    C(IP_DEFAULT_MULTICAST_LOOP),
#endif
#ifdef IP_DEFAULT_MULTICAST_TTL
    C(IP_DEFAULT_MULTICAST_TTL),
#endif
#ifdef IP_DROP_SOURCE_MEMBERSHIP
    C(IP_DROP_SOURCE_MEMBERSHIP),
#endif
#ifdef IP_HDRINCL
    C(IP_HDRINCL),
#endif
#ifdef IP_MAX_MEMBERSHIPS
    C(IP_MAX_MEMBERSHIPS),
#endif
#ifdef IP_MULTICAST_IF
    C(IP_MULTICAST_IF),
#endif
#ifdef IP_OPTIONS
    C(IP_OPTIONS),
#endif
#ifdef IP_PKTINFO
    C(IP_PKTINFO),
#endif
#ifdef IP_RECVOPTS
    C(IP_RECVOPTS),
#endif
#ifdef IP_RECVRETOPTS
    C(IP_RECVRETOPTS),
#endif
#ifdef IP_RECVTOS
    C(IP_RECVTOS),
#endif
#ifdef IP_RETOPTS
    C(IP_RETOPTS),
#endif
#ifdef IP_TRANSPARENT
    C(IP_TRANSPARENT),
#endif
#ifdef IP_UNBLOCK_SOURCE
    C(IP_UNBLOCK_SOURCE),
#endif
#ifdef J1939_EE_INFO_NONE
    C(J1939_EE_INFO_NONE),
#endif
#ifdef J1939_EE_INFO_TX_ABORT
    C(J1939_EE_INFO_TX_ABORT),
#endif
#ifdef J1939_FILTER_MAX
    C(J1939_FILTER_MAX),
#endif
#ifdef J1939_IDLE_ADDR
    C(J1939_IDLE_ADDR),
#endif
#ifdef J1939_MAX_UNICAST_ADDR
    C(J1939_MAX_UNICAST_ADDR),
#endif
#ifdef J1939_NLA_BYTES_ACKED
    C(J1939_NLA_BYTES_ACKED),
#endif
#ifdef J1939_NLA_PAD
    C(J1939_NLA_PAD),
#endif
#ifdef J1939_NO_ADDR
    C(J1939_NO_ADDR),
#endif
#ifdef J1939_NO_NAME
    C(J1939_NO_NAME),
#endif
#ifdef J1939_NO_PGN
    C(J1939_NO_PGN),
#endif
#ifdef J1939_PGN_ADDRESS_CLAIMED
    C(J1939_PGN_ADDRESS_CLAIMED),
#endif
#ifdef J1939_PGN_ADDRESS_COMMANDED
    C(J1939_PGN_ADDRESS_COMMANDED),
#endif
#ifdef J1939_PGN_MAX
    C(J1939_PGN_MAX),
#endif
#ifdef J1939_PGN_PDU1_MAX
    C(J1939_PGN_PDU1_MAX),
#endif
#ifdef J1939_PGN_REQUEST
    C(J1939_PGN_REQUEST),
#endif
#ifdef MSG_CMSG_CLOEXEC
    C(MSG_CMSG_CLOEXEC),
#endif
#ifdef MSG_CONFIRM
    C(MSG_CONFIRM),
#endif
#ifdef MSG_CTRUNC
    C(MSG_CTRUNC),
#endif
#ifdef MSG_EOR
    C(MSG_EOR),
#endif
#ifdef MSG_ERRQUEUE
    C(MSG_ERRQUEUE),
#endif
#ifdef MSG_FASTOPEN
    C(MSG_FASTOPEN),
#endif
#ifdef MSG_MORE
    C(MSG_MORE),
#endif
#ifdef NETLINK_CRYPTO
    C(NETLINK_CRYPTO),
#endif
#ifdef NETLINK_DNRTMSG
    C(NETLINK_DNRTMSG),
#endif
#ifdef NETLINK_FIREWALL
    C(NETLINK_FIREWALL),
#endif
#ifdef NETLINK_IP6_FW
    C(NETLINK_IP6_FW),
#endif
#ifdef NETLINK_NFLOG
    C(NETLINK_NFLOG),
#endif
#ifdef NETLINK_ROUTE
    C(NETLINK_ROUTE),
#endif
#ifdef NETLINK_USERSOCK
    C(NETLINK_USERSOCK),
#endif
#ifdef NETLINK_XFRM
    C(NETLINK_XFRM),
#endif
#ifdef PACKET_BROADCAST
    C(PACKET_BROADCAST),
#endif
#ifdef PACKET_FASTROUTE
    C(PACKET_FASTROUTE),
#endif
#ifdef PACKET_HOST
    C(PACKET_HOST),
#endif
#ifdef PACKET_LOOPBACK
    C(PACKET_LOOPBACK),
#endif
#ifdef PACKET_MULTICAST
    C(PACKET_MULTICAST),
#endif
#ifdef PACKET_OTHERHOST
    C(PACKET_OTHERHOST),
#endif
#ifdef PACKET_OUTGOING
    C(PACKET_OUTGOING),
#endif
#ifdef PF_CAN
    C(PF_CAN),
#endif
#ifdef PF_PACKET
    C(PF_PACKET),
#endif
#ifdef PF_RDS
    C(PF_RDS),
#endif
#ifdef SCM_CREDENTIALS
    C(SCM_CREDENTIALS),
#endif
#ifdef SCM_J1939_DEST_ADDR
    C(SCM_J1939_DEST_ADDR),
#endif
#ifdef SCM_J1939_DEST_NAME
    C(SCM_J1939_DEST_NAME),
#endif
#ifdef SCM_J1939_ERRQUEUE
    C(SCM_J1939_ERRQUEUE),
#endif
#ifdef SCM_J1939_PRIO
    C(SCM_J1939_PRIO),
#endif
#ifdef SCM_RIGHTS
    C(SCM_RIGHTS),
#endif
#ifdef SOCK_RDM
    C(SOCK_RDM),
#endif
#ifdef SOL_ALG
    C(SOL_ALG),
#endif
#ifdef SOL_CAN_BASE
    C(SOL_CAN_BASE),
#endif
#ifdef SOL_CAN_RAW
    C(SOL_CAN_RAW),
#endif
#ifdef SOL_IP
    C(SOL_IP),
#endif
#ifdef SOL_RDS
    C(SOL_RDS),
#endif
#ifdef SOL_TCP
    C(SOL_TCP),
#endif
#ifdef SOL_TIPC
    C(SOL_TIPC),
#endif
#ifdef SOL_UDP
    C(SOL_UDP),
#endif
#ifdef SO_BINDTODEVICE
    C(SO_BINDTODEVICE),
#endif
#ifdef SO_DEBUG
    C(SO_DEBUG),
#endif
#ifdef SO_DONTROUTE
    C(SO_DONTROUTE),
#endif
#ifdef SO_INCOMING_CPU
    C(SO_INCOMING_CPU),
#endif
#ifdef SO_J1939_ERRQUEUE
    C(SO_J1939_ERRQUEUE),
#endif
#ifdef SO_J1939_FILTER
    C(SO_J1939_FILTER),
#endif
#ifdef SO_J1939_PROMISC
    C(SO_J1939_PROMISC),
#endif
#ifdef SO_J1939_SEND_PRIO
    C(SO_J1939_SEND_PRIO),
#endif
#ifdef SO_MARK
    C(SO_MARK),
#endif
#ifdef SO_PASSCRED
    C(SO_PASSCRED),
#endif
#ifdef SO_PASSSEC
    C(SO_PASSSEC),
#endif
#ifdef SO_PEERCRED
    C(SO_PEERCRED),
#endif
#ifdef SO_PEERSEC
    C(SO_PEERSEC),
#endif
#ifdef SO_PRIORITY
    C(SO_PRIORITY),
#endif
#ifdef SO_VM_SOCKETS_BUFFER_MAX_SIZE
    C(SO_VM_SOCKETS_BUFFER_MAX_SIZE),
#endif
#ifdef SO_VM_SOCKETS_BUFFER_MIN_SIZE
    C(SO_VM_SOCKETS_BUFFER_MIN_SIZE),
#endif
#ifdef SO_VM_SOCKETS_BUFFER_SIZE
    C(SO_VM_SOCKETS_BUFFER_SIZE),
#endif
#ifdef TCP_CC_INFO
    C(TCP_CC_INFO),
#endif
#ifdef TCP_CONGESTION
    C(TCP_CONGESTION),
#endif
#ifdef TCP_CORK
    C(TCP_CORK),
#endif
#ifdef TCP_DEFER_ACCEPT
    C(TCP_DEFER_ACCEPT),
#endif
#ifdef TCP_FASTOPEN
    C(TCP_FASTOPEN),
#endif
#ifdef TCP_FASTOPEN_CONNECT
    C(TCP_FASTOPEN_CONNECT),
#endif
#ifdef TCP_FASTOPEN_KEY
    C(TCP_FASTOPEN_KEY),
#endif
#ifdef TCP_FASTOPEN_NO_COOKIE
    C(TCP_FASTOPEN_NO_COOKIE),
#endif
#ifdef TCP_INFO
    C(TCP_INFO),
#endif
#ifdef TCP_INQ
    C(TCP_INQ),
#endif
#ifdef TCP_LINGER2
    C(TCP_LINGER2),
#endif
#ifdef TCP_MD5SIG
    C(TCP_MD5SIG),
#endif
#ifdef TCP_MD5SIG_EXT
    C(TCP_MD5SIG_EXT),
#endif
#ifdef TCP_NOTSENT_LOWAT
    C(TCP_NOTSENT_LOWAT),
#endif
#ifdef TCP_QUEUE_SEQ
    C(TCP_QUEUE_SEQ),
#endif
#ifdef TCP_QUICKACK
    C(TCP_QUICKACK),
#endif
#ifdef TCP_REPAIR
    C(TCP_REPAIR),
#endif
#ifdef TCP_REPAIR_OPTIONS
    C(TCP_REPAIR_OPTIONS),
#endif
#ifdef TCP_REPAIR_QUEUE
    C(TCP_REPAIR_QUEUE),
#endif
#ifdef TCP_REPAIR_WINDOW
    C(TCP_REPAIR_WINDOW),
#endif
#ifdef TCP_SAVED_SYN
    C(TCP_SAVED_SYN),
#endif
#ifdef TCP_SAVE_SYN
    C(TCP_SAVE_SYN),
#endif
#ifdef TCP_SYNCNT
    C(TCP_SYNCNT),
#endif
#ifdef TCP_THIN_DUPACK
    C(TCP_THIN_DUPACK),
#endif
#ifdef TCP_THIN_LINEAR_TIMEOUTS
    C(TCP_THIN_LINEAR_TIMEOUTS),
#endif
#ifdef TCP_TIMESTAMP
    C(TCP_TIMESTAMP),
#endif
#ifdef TCP_TX_DELAY
    C(TCP_TX_DELAY),
#endif
#ifdef TCP_ULP
    C(TCP_ULP),
#endif
#ifdef TCP_USER_TIMEOUT
    C(TCP_USER_TIMEOUT),
#endif
#ifdef TCP_WINDOW_CLAMP
    C(TCP_WINDOW_CLAMP),
#endif
#ifdef TCP_ZEROCOPY_RECEIVE
    C(TCP_ZEROCOPY_RECEIVE),
#endif
#ifdef TIPC_ADDR_ID
    C(TIPC_ADDR_ID),
#endif
#ifdef TIPC_ADDR_NAME
    C(TIPC_ADDR_NAME),
#endif
#ifdef TIPC_ADDR_NAMESEQ
    C(TIPC_ADDR_NAMESEQ),
#endif
#ifdef TIPC_CFG_SRV
    C(TIPC_CFG_SRV),
#endif
#ifdef TIPC_CLUSTER_SCOPE
    C(TIPC_CLUSTER_SCOPE),
#endif
#ifdef TIPC_CONN_TIMEOUT
    C(TIPC_CONN_TIMEOUT),
#endif
#ifdef TIPC_CRITICAL_IMPORTANCE
    C(TIPC_CRITICAL_IMPORTANCE),
#endif
#ifdef TIPC_DEST_DROPPABLE
    C(TIPC_DEST_DROPPABLE),
#endif
#ifdef TIPC_HIGH_IMPORTANCE
    C(TIPC_HIGH_IMPORTANCE),
#endif
#ifdef TIPC_IMPORTANCE
    C(TIPC_IMPORTANCE),
#endif
#ifdef TIPC_LOW_IMPORTANCE
    C(TIPC_LOW_IMPORTANCE),
#endif
#ifdef TIPC_MEDIUM_IMPORTANCE
    C(TIPC_MEDIUM_IMPORTANCE),
#endif
#ifdef TIPC_NODE_SCOPE
    C(TIPC_NODE_SCOPE),
#endif
#ifdef TIPC_PUBLISHED
    C(TIPC_PUBLISHED),
#endif
#ifdef TIPC_SRC_DROPPABLE
    C(TIPC_SRC_DROPPABLE),
#endif
#ifdef TIPC_SUBSCR_TIMEOUT
    C(TIPC_SUBSCR_TIMEOUT),
#endif
#ifdef TIPC_SUB_CANCEL
    C(TIPC_SUB_CANCEL),
#endif
#ifdef TIPC_SUB_PORTS
    C(TIPC_SUB_PORTS),
#endif
#ifdef TIPC_SUB_SERVICE
    C(TIPC_SUB_SERVICE),
#endif
#ifdef TIPC_TOP_SRV
    C(TIPC_TOP_SRV),
#endif
#ifdef TIPC_WAIT_FOREVER
    C(TIPC_WAIT_FOREVER),
#endif
#ifdef TIPC_WITHDRAWN
    C(TIPC_WITHDRAWN),
#endif
#ifdef TIPC_ZONE_SCOPE
    C(TIPC_ZONE_SCOPE),
#endif
#ifdef UDPLITE_RECV_CSCOV
    C(UDPLITE_RECV_CSCOV),
#endif
#ifdef UDPLITE_SEND_CSCOV
    C(UDPLITE_SEND_CSCOV),
#endif
#ifdef VMADDR_CID_ANY
    C(VMADDR_CID_ANY),
#endif
#ifdef VMADDR_CID_HOST
    C(VMADDR_CID_HOST),
#endif
#ifdef VMADDR_PORT_ANY
    C(VMADDR_PORT_ANY),
#endif
#ifdef VM_SOCKETS_INVALID_VERSION
    C(VM_SOCKETS_INVALID_VERSION),
#endif

/* Names the headers give as enum members (no #ifdef can see them), or under
 * other names (CPython's CAN_BCM_* are bcm.h's opcodes and flags). */
#define E(name, x) {name, (long)(x)}
    E("EAGAIN", EAGAIN), E("EBADF", EBADF), E("EWOULDBLOCK", EWOULDBLOCK),
    E("ETHERTYPE_ARP", ETHERTYPE_ARP), E("ETHERTYPE_IP", ETHERTYPE_IP), E("ETHERTYPE_IPV6", ETHERTYPE_IPV6),
    E("ETHERTYPE_VLAN", ETHERTYPE_VLAN), E("IPPORT_USERRESERVED", IPPORT_USERRESERVED),
#ifdef ETH_P_ALL
    E("ETH_P_ALL", ETH_P_ALL),
#endif
#if __has_include(<linux/can.h>)
    E("CAN_RAW_FILTER", CAN_RAW_FILTER), E("CAN_RAW_LOOPBACK", CAN_RAW_LOOPBACK),
    E("CAN_RAW_RECV_OWN_MSGS", CAN_RAW_RECV_OWN_MSGS), E("CAN_RAW_FD_FRAMES", CAN_RAW_FD_FRAMES),
    E("CAN_RAW_JOIN_FILTERS", CAN_RAW_JOIN_FILTERS),
    E("CAN_BCM_TX_SETUP", TX_SETUP), E("CAN_BCM_TX_DELETE", TX_DELETE), E("CAN_BCM_TX_READ", TX_READ),
    E("CAN_BCM_TX_SEND", TX_SEND), E("CAN_BCM_RX_SETUP", RX_SETUP), E("CAN_BCM_RX_DELETE", RX_DELETE),
    E("CAN_BCM_RX_READ", RX_READ), E("CAN_BCM_TX_STATUS", TX_STATUS), E("CAN_BCM_TX_EXPIRED", TX_EXPIRED),
    E("CAN_BCM_RX_STATUS", RX_STATUS), E("CAN_BCM_RX_TIMEOUT", RX_TIMEOUT), E("CAN_BCM_RX_CHANGED", RX_CHANGED),
    E("CAN_BCM_SETTIMER", SETTIMER), E("CAN_BCM_STARTTIMER", STARTTIMER), E("CAN_BCM_TX_COUNTEVT", TX_COUNTEVT),
    E("CAN_BCM_TX_ANNOUNCE", TX_ANNOUNCE), E("CAN_BCM_TX_CP_CAN_ID", TX_CP_CAN_ID),
    E("CAN_BCM_RX_FILTER_ID", RX_FILTER_ID), E("CAN_BCM_RX_CHECK_DLC", RX_CHECK_DLC),
    E("CAN_BCM_RX_NO_AUTOTIMER", RX_NO_AUTOTIMER), E("CAN_BCM_RX_ANNOUNCE_RESUME", RX_ANNOUNCE_RESUME),
    E("CAN_BCM_TX_RESET_MULTI_IDX", TX_RESET_MULTI_IDX), E("CAN_BCM_RX_RTR_FRAME", RX_RTR_FRAME),
    E("CAN_BCM_CAN_FD_FRAME", CAN_FD_FRAME),
#endif
#if __has_include(<linux/can/j1939.h>)
    E("SO_J1939_FILTER", SO_J1939_FILTER), E("SO_J1939_PROMISC", SO_J1939_PROMISC),
    E("SO_J1939_SEND_PRIO", SO_J1939_SEND_PRIO), E("SO_J1939_ERRQUEUE", SO_J1939_ERRQUEUE),
    E("SCM_J1939_DEST_ADDR", SCM_J1939_DEST_ADDR), E("SCM_J1939_DEST_NAME", SCM_J1939_DEST_NAME),
    E("SCM_J1939_PRIO", SCM_J1939_PRIO), E("SCM_J1939_ERRQUEUE", SCM_J1939_ERRQUEUE),
    E("J1939_NLA_PAD", J1939_NLA_PAD), E("J1939_NLA_BYTES_ACKED", J1939_NLA_BYTES_ACKED),
    E("J1939_EE_INFO_NONE", J1939_EE_INFO_NONE), E("J1939_EE_INFO_TX_ABORT", J1939_EE_INFO_TX_ABORT),
#endif
#if __has_include(<linux/tipc.h>)
    E("TIPC_CLUSTER_SCOPE", TIPC_CLUSTER_SCOPE), E("TIPC_NODE_SCOPE", TIPC_NODE_SCOPE),
#endif
#undef E
    {NULL, 0},
};
#undef C
