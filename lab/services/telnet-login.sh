#!/bin/bash
# Login program for the lab's busybox telnetd (copied into the state dir by
# fumidai-lab.sh): a router's banner and login prompt that never logs anyone
# in. Each read gives up after a while, so an idle session ends by itself.
printf '\nWelcome to lab-router\n\nlab-router login: '
read -r -t 30 _ || exit 0
printf 'Password: '
read -r -t 30 _ || exit 0
sleep 1
printf '\nLogin incorrect\n'
